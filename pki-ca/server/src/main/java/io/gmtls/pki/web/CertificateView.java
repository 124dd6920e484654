package io.gmtls.pki.web;

import io.gmtls.pki.core.IssuedCertificate;
import java.time.Instant;

/** A certificate as the admin API shows it. */
public record CertificateView(String serial, String ca, String profile, String usage, String subject,
        String commonName, String vin, String modelCode, String status, Instant notBefore, Instant notAfter,
        Instant revokedAt, String revocationReason, String fingerprintSm3, String certificatePem) {

    static CertificateView of(IssuedCertificate c) {
        return new CertificateView(c.serial(), c.caName(), c.profile(), c.usage().name(), c.subject(), c.commonName(),
                c.vin(), c.modelCode(), c.status().name(), c.notBefore(), c.notAfter(), c.revokedAt(),
                c.revocationReason() == null ? null : c.revocationReason().name(), c.fingerprint(),
                Pem.certificate(c.der()));
    }
}
