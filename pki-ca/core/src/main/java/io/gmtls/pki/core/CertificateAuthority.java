package io.gmtls.pki.core;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CA as the RA (cert-enrollment) and the admin API see it. Every mutating call runs in one
 * database transaction and appends an audit event in it; a failure after validation leaves only an
 * audit "FAILED" event behind.
 */
public interface CertificateAuthority {

    /** Issues one certificate under a profile. */
    IssuedCertificate issue(IssueRequest request, Actor actor);

    /**
     * Issues a registered vehicle's signing certificate (for the CSR's key) and encryption certificate
     * (for a key pair generated here, returned sealed to the signing key and escrowed when configured),
     * in one transaction.
     */
    VehicleCredentials issueVehiclePair(VehiclePairRequest request, Actor actor);

    /** Revokes a certificate by serial (hex); the CRL is republished and other nodes are told. */
    IssuedCertificate revoke(String serial, RevocationReason reason, Actor actor);

    /**
     * Releases a certificate from hold (revoked with reason certificateHold): valid again, off the next
     * CRL; a 409 for any other state. Audited; the CRL is republished.
     */
    IssuedCertificate release(String serial, Actor actor);

    Optional<IssuedCertificate> find(String serial);

    List<IssuedCertificate> search(CertificateQuery query);

    /** The chain of an issuing CA (the CA certificate, then its parents). */
    List<X509Certificate> chain(String caName);
}
