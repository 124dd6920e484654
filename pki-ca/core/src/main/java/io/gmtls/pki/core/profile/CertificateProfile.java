package io.gmtls.pki.core.profile;

import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a certificate of one kind looks like: validity, key usages, EKUs, subject template, CN
 * pattern, accepted key algorithms, and which revocation pointers it carries. End-entity profiles
 * never carry basicConstraints (the strictest TLCP peers refuse {@code CA:FALSE} on leaf
 * certificates as readily as they refuse a missing one: we follow the Tongsuo and certs-dev shape).
 *
 * @param name                 profile name (lowercase, e.g. {@code vehicle-sign})
 * @param usage                what the certificate is for
 * @param issuer               name of the issuing CA that signs it
 * @param validity             validity period (at most 10 years)
 * @param keyUsages            keyUsage bits (critical)
 * @param extendedKeyUsages    extendedKeyUsage purposes (not critical), may be empty
 * @param subjectTemplate      RFC 4514 subject with {@code ${cn}}, e.g. {@code C=CN, O=GM TLS, OU=T-Box, CN=${cn}}
 * @param commonNamePattern    what a CN must match in full
 * @param keyAlgorithms        accepted subject key algorithms
 * @param requireDnsSan        servers: a subjectAltName with at least one DNS name
 * @param crlDistributionPoint add the issuing CA's CRL URL (when a public URL is configured)
 * @param ocspUrl              add authorityInfoAccess with the OCSP URL (when a public URL is configured)
 * @param ocspNoCheck          add id-pkix-ocsp-nocheck (delegated OCSP signers)
 */
public record CertificateProfile(
        String name,
        ProfileUsage usage,
        String issuer,
        Duration validity,
        Set<KeyUsageName> keyUsages,
        Set<ExtendedKeyUsageName> extendedKeyUsages,
        String subjectTemplate,
        Pattern commonNamePattern,
        Set<KeyAlgorithm> keyAlgorithms,
        boolean requireDnsSan,
        boolean crlDistributionPoint,
        boolean ocspUrl,
        boolean ocspNoCheck) {

    /** The longest validity any profile may have. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(3653);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public CertificateProfile {
        String key = "gmtls.profiles." + name;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PkiConfigException("gmtls.profiles", "invalid profile name '" + name + "'");
        }
        require(usage != null, key + ".usage", "is required");
        require(issuer != null && !issuer.isBlank(), key + ".issuer", "is required");
        require(validity != null && !validity.isNegative() && !validity.isZero(), key + ".validity",
                "must be positive");
        require(validity.compareTo(MAX_VALIDITY) <= 0, key + ".validity", "must be at most 10 years");
        require(keyUsages != null && !keyUsages.isEmpty(), key + ".key-usages", "must name at least one usage");
        require(!keyUsages.contains(KeyUsageName.KEY_CERT_SIGN) && !keyUsages.contains(KeyUsageName.CRL_SIGN),
                key + ".key-usages", "end-entity profiles cannot sign certificates or CRLs");
        require(subjectTemplate != null && subjectTemplate.contains("${cn}"), key + ".subject-template",
                "must contain ${cn}");
        require(commonNamePattern != null, key + ".cn-pattern", "is required");
        require(keyAlgorithms != null && !keyAlgorithms.isEmpty(), key + ".key-algorithms",
                "must name at least one algorithm");
        keyUsages = Set.copyOf(keyUsages);
        extendedKeyUsages = extendedKeyUsages == null ? Set.of() : Set.copyOf(extendedKeyUsages);
        keyAlgorithms = Set.copyOf(keyAlgorithms);
    }

    private static void require(boolean condition, String key, String message) {
        if (!condition) {
            throw new PkiConfigException(key, message);
        }
    }

    /** The CA's signature-key family this profile's issuer must have. */
    public boolean acceptsKey(KeyAlgorithm algorithm) {
        return keyAlgorithms.contains(algorithm);
    }
}
