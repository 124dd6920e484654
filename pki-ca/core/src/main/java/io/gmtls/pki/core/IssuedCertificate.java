package io.gmtls.pki.core;

import io.gmtls.pki.core.profile.ProfileUsage;
import java.time.Instant;

/**
 * A certificate the CA issued, as stored.
 *
 * @param serial      lowercase hex of the serial number
 * @param caName      the issuing CA
 * @param profile     profile name
 * @param usage       the profile's usage
 * @param subject     RFC 4514 subject
 * @param commonName  subject CN
 * @param vin         the vehicle it belongs to, or null
 * @param modelCode   the vehicle model it belongs to, or null
 * @param status      valid or revoked
 * @param notBefore   start of validity
 * @param notAfter    end of validity
 * @param fingerprint SM3 of the DER, lowercase hex
 * @param der         the certificate
 * @param revokedAt   time of revocation, or null
 * @param revocationReason reason, or null
 */
public record IssuedCertificate(String serial, String caName, String profile, ProfileUsage usage, String subject,
        String commonName, String vin, String modelCode, CertificateStatus status, Instant notBefore,
        Instant notAfter, String fingerprint, byte[] der, Instant revokedAt, RevocationReason revocationReason) {

    /** True when valid, not revoked and within its validity period at {@code now}. */
    public boolean usableAt(Instant now) {
        return status == CertificateStatus.VALID && !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    /** The same certificate marked revoked. */
    public IssuedCertificate revoked(Instant at, RevocationReason reason) {
        return new IssuedCertificate(serial, caName, profile, usage, subject, commonName, vin, modelCode,
                CertificateStatus.REVOKED, notBefore, notAfter, fingerprint, der, at, reason);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[serial=" + serial + ", ca=" + caName + ", profile=" + profile + ", cn=" + commonName
                + ", status=" + status + "]";
    }
}
