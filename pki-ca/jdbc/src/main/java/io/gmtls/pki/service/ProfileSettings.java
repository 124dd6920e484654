package io.gmtls.pki.service;

import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.KeyUsageName;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * A profile as configured under {@code gmtls.profiles.<name>.*}. Every field is optional: a profile
 * with a default's name changes only the fields given; a new name needs usage, issuer, validity,
 * key-usages, subject-template, cn-pattern and key-algorithms. Names are written as in RFC 5280
 * ({@code digitalSignature}, {@code serverAuth}) or as the enum constants.
 */
public record ProfileSettings(String usage, String issuer, Duration validity, List<String> keyUsages,
        List<String> extendedKeyUsages, String subjectTemplate, String cnPattern, List<String> keyAlgorithms,
        Boolean requireDnsSan, Boolean crlDistributionPoint, Boolean ocspUrl, Boolean ocspNoCheck) {

    /** The defaults with the configured profiles applied on top. */
    public static List<CertificateProfile> apply(List<CertificateProfile> defaults, Map<String, ProfileSettings> configured) {
        Map<String, CertificateProfile> result = new LinkedHashMap<>();
        for (CertificateProfile p : defaults) {
            result.put(p.name(), p);
        }
        if (configured != null) {
            configured.forEach((name, settings) -> result.put(name, settings.over(name, result.get(name))));
        }
        return new ArrayList<>(result.values());
    }

    CertificateProfile over(String name, CertificateProfile base) {
        String key = "gmtls.profiles." + name;
        return new CertificateProfile(name,
                pick(usage, base == null ? null : base.usage(), v -> parse(ProfileUsage.class, v, key + ".usage"), key + ".usage"),
                pick(issuer, base == null ? null : base.issuer(), Function.identity(), key + ".issuer"),
                pick(validity, base == null ? null : base.validity(), Function.identity(), key + ".validity"),
                pick(keyUsages, base == null ? null : base.keyUsages(),
                        v -> names(KeyUsageName.class, v, key + ".key-usages"), key + ".key-usages"),
                pick(extendedKeyUsages, base == null ? Set.<ExtendedKeyUsageName>of() : base.extendedKeyUsages(),
                        v -> names(ExtendedKeyUsageName.class, v, key + ".extended-key-usages"), key + ".extended-key-usages"),
                pick(subjectTemplate, base == null ? null : base.subjectTemplate(), Function.identity(), key + ".subject-template"),
                pick(cnPattern, base == null ? null : base.commonNamePattern(), v -> pattern(v, key + ".cn-pattern"), key + ".cn-pattern"),
                pick(keyAlgorithms, base == null ? null : base.keyAlgorithms(),
                        v -> names(KeyAlgorithm.class, v, key + ".key-algorithms"), key + ".key-algorithms"),
                pick(requireDnsSan, base == null ? Boolean.FALSE : base.requireDnsSan(), Function.identity(), key),
                pick(crlDistributionPoint, base == null ? Boolean.TRUE : base.crlDistributionPoint(), Function.identity(), key),
                pick(ocspUrl, base == null ? Boolean.TRUE : base.ocspUrl(), Function.identity(), key),
                pick(ocspNoCheck, base == null ? Boolean.FALSE : base.ocspNoCheck(), Function.identity(), key));
    }

    private static <C, T> T pick(C configured, T base, Function<C, T> convert, String key) {
        if (configured != null) {
            return convert.apply(configured);
        }
        if (base == null) {
            throw new PkiConfigException(key, "is required for a new profile");
        }
        return base;
    }

    private static Pattern pattern(String regex, String key) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new PkiConfigException(key, "is not a regular expression: " + e.getDescription());
        }
    }

    private static <E extends Enum<E>> Set<E> names(Class<E> type, List<String> values, String key) {
        return values.stream().map(v -> parse(type, v, key)).collect(Collectors.toUnmodifiableSet());
    }

    /** {@code digitalSignature}, {@code DIGITAL_SIGNATURE} and {@code digital-signature} all name the same constant. */
    private static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
        String wanted = value.strip().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)) {
                return e;
            }
        }
        throw new PkiConfigException(key, "unknown value '" + value + "'");
    }
}
