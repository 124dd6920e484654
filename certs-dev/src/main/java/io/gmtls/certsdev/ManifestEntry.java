package io.gmtls.certsdev;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code manifest.json}: what a file is.
 *
 * @param file      path relative to the PKI folder, with '/' separators
 * @param kind      certificate, private-key, chain, trust-bundle or crl
 * @param role      the credential's role label, or null for bundles and CRLs of a CA family
 * @param subject   subject (certificates, keys) or issuer (CRLs) DN
 * @param serial    certificate serial, lowercase hex, or null
 * @param algorithm key algorithm (certificates, keys) or signature algorithm (CRLs)
 * @param notBefore validity start (CRL: thisUpdate)
 * @param notAfter  validity end (CRL: nextUpdate)
 * @param encrypted whether a private key file is encrypted
 * @param extra     more facts: vin, revoked serials, number of certificates
 */
record ManifestEntry(String file, String kind, String role, String subject, String serial, String algorithm,
                     Instant notBefore, Instant notAfter, boolean encrypted, Map<String, Object> extra) {

    static ManifestEntry certificate(String file, Credential c, Map<String, Object> extra) {
        X509Certificate cert = c.certificate();
        return new ManifestEntry(file, "certificate", c.role().label(), cert.getSubjectX500Principal().getName(),
                cert.getSerialNumber().toString(16), KeyType.of(cert).displayName(),
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), false, extra);
    }

    static ManifestEntry privateKey(String file, Credential c, boolean encrypted, Map<String, Object> extra) {
        X509Certificate cert = c.certificate();
        return new ManifestEntry(file, "private-key", c.role().label(), cert.getSubjectX500Principal().getName(),
                cert.getSerialNumber().toString(16), KeyType.of(cert).displayName(),
                null, null, encrypted, extra);
    }

    static ManifestEntry bundle(String file, String kind, String role, List<X509Certificate> certs) {
        X509Certificate first = certs.get(0);
        return new ManifestEntry(file, kind, role, first.getSubjectX500Principal().getName(), null,
                KeyType.of(first).displayName(), null, null, false, Map.of("certificates", certs.size()));
    }

    static ManifestEntry crl(String file, X509CRL crl) {
        List<Object> serials = new ArrayList<>();
        if (crl.getRevokedCertificates() != null) {
            crl.getRevokedCertificates().forEach(r -> serials.add(r.getSerialNumber().toString(16)));
        }
        return new ManifestEntry(file, "crl", null, crl.getIssuerX500Principal().getName(), null,
                crl.getSigAlgName(), crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant(), false,
                Map.of("revokedSerials", serials));
    }

    /** This entry as a JSON object. */
    String toJson() {
        StringBuilder json = new StringBuilder("{");
        Json.field(json, "file", file);
        Json.field(json, "kind", kind);
        Json.field(json, "role", role);
        Json.field(json, "subject", subject);
        Json.field(json, "serial", serial);
        Json.field(json, "keyAlgorithm", algorithm);
        Json.field(json, "notBefore", notBefore == null ? null : notBefore.toString());
        Json.field(json, "notAfter", notAfter == null ? null : notAfter.toString());
        if ("private-key".equals(kind)) {
            Json.field(json, "encrypted", encrypted);
        }
        extra.forEach((k, v) -> Json.field(json, k, v));
        json.setLength(json.length() - 1);
        return json.append('}').toString();
    }
}
