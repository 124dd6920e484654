package io.gmtls.pki.core.profile;

import io.gmtls.pki.core.PkiException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The standard validators and modifiers, and the ordered policy every issuance goes through. */
public final class PolicyRules {

    /** At most this many DNS names in a subjectAltName. */
    public static final int MAX_DNS_NAMES = 16;
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");

    private PolicyRules() {
    }

    /** Validator: the subject key's algorithm is one the profile accepts. */
    public static PolicyRule keyAlgorithmAllowed() {
        return draft -> {
            if (!draft.profile().acceptsKey(draft.keyAlgorithm())) {
                throw PkiException.badRequest("profile '" + draft.profile().name() + "' does not accept "
                        + draft.keyAlgorithm() + " keys (accepts " + draft.profile().keyAlgorithms() + ")");
            }
        };
    }

    /** Validator: a CN is present and matches the profile's pattern in full. */
    public static PolicyRule commonNameMatches() {
        return draft -> {
            String cn = draft.commonName();
            if (cn == null || cn.isEmpty()) {
                throw PkiException.badRequest("common name is missing");
            }
            if (cn.length() > 64 || !PRINTABLE.matcher(cn).matches()) {
                throw PkiException.badRequest("common name is longer than 64 characters or not printable");
            }
            if (!draft.profile().commonNamePattern().matcher(cn).matches()) {
                throw PkiException.badRequest("common name '" + cn + "' does not match the pattern of profile '"
                        + draft.profile().name() + "'");
            }
        };
    }

    /**
     * Validator and modifier: servers get SAN DNS names (the CN when none were asked for); every name
     * is a host name; client profiles carry none.
     */
    public static PolicyRule dnsNames() {
        return draft -> {
            if (!draft.profile().requireDnsSan()) {
                if (!draft.dnsNames().isEmpty()) {
                    throw PkiException.badRequest("profile '" + draft.profile().name() + "' takes no DNS names");
                }
                return;
            }
            Set<String> names = new LinkedHashSet<>();
            for (String name : draft.dnsNames()) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
            if (names.isEmpty()) {
                names.add(draft.commonName().toLowerCase(Locale.ROOT));
            }
            if (names.size() > MAX_DNS_NAMES) {
                throw PkiException.badRequest("more than " + MAX_DNS_NAMES + " DNS names");
            }
            for (String name : names) {
                if (!ProfileCatalog.HOST_NAME.matcher(name).matches()) {
                    throw PkiException.badRequest("'" + printable(name) + "' is not a DNS host name");
                }
            }
            draft.dnsNames(List.copyOf(names));
        };
    }

    /** Modifier: the subject comes from the profile's template with the CN filled in (escaped). */
    public static PolicyRule subjectFromTemplate() {
        return draft -> {
            String escaped = IETFUtils.valueToString(new org.bouncycastle.asn1.DERUTF8String(draft.commonName()));
            String dn = draft.profile().subjectTemplate().replace("${cn}", escaped);
            try {
                draft.subject(new X500Name(BCStyle.INSTANCE, dn));
            } catch (IllegalArgumentException e) {
                throw PkiException.badRequest("subject template of profile '" + draft.profile().name()
                        + "' gives an invalid name");
            }
        };
    }

    /**
     * Modifier: validity is the profile's, starting now, never before the issuer's own notBefore nor
     * past its notAfter, never longer than 10 years.
     */
    public static PolicyRule validityCapped() {
        return draft -> {
            Instant from = draft.notBefore();
            // Nested in the issuer's validity: never before its notBefore (a backdated request for a
            // fresh CA), never after its notAfter.
            if (draft.issuerNotBefore() != null && from.isBefore(draft.issuerNotBefore())) {
                from = draft.issuerNotBefore();
            }
            Instant to = from.plus(draft.profile().validity());
            Instant cap = from.plus(CertificateProfile.MAX_VALIDITY);
            if (to.isAfter(cap)) {
                to = cap;
            }
            if (draft.issuerNotAfter() != null && to.isAfter(draft.issuerNotAfter())) {
                to = draft.issuerNotAfter();
            }
            if (!to.isAfter(from)) {
                throw new PkiException(PkiException.Kind.UNAVAILABLE, "the issuing CA has expired");
            }
            draft.validity(from, to);
        };
    }

    /** The standard policy, in order: key algorithm, CN, DNS names, subject, validity. */
    public static List<PolicyRule> standard() {
        return List.of(keyAlgorithmAllowed(), commonNameMatches(), dnsNames(), subjectFromTemplate(),
                validityCapped());
    }

    /** Applies rules in order. */
    public static void applyAll(List<PolicyRule> rules, IssuanceDraft draft) {
        for (PolicyRule rule : rules) {
            rule.apply(draft);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
