package io.gmtls.pki.core;

/**
 * Search criteria; null fields are not constrained. {@code limit} is capped at 1000.
 */
public record CertificateQuery(String vin, String commonName, String serial, CertificateStatus status,
        String profile, int limit) {

    public CertificateQuery {
        if (limit <= 0 || limit > 1000) {
            limit = Math.min(Math.max(limit, 1), 1000);
        }
    }

    public static CertificateQuery byVin(String vin) {
        return new CertificateQuery(vin, null, null, null, null, 100);
    }
}
