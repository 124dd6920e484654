package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.service.Certificates;
import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import io.gmtls.pki.core.crypto.SubjectKeys;
import java.security.GeneralSecurityException;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The vehicle's current signing certificate: renews that vehicle's pair with a new key, once (a
 * certificate already renewed is refused). It never enrolls.
 */
public record VehicleCertificateCredential(IssuedCertificate presented) implements EnrollmentCredential {

    @Override
    public String key() {
        return "vehicle-cert:" + presented.serial();
    }

    @Override
    public Actor actor() {
        return EnrollmentAudit.actor("vehicle-cert:" + presented.commonName() + "/" + presented.serial());
    }

    @Override
    public Optional<IssuedCertificate> certificate() {
        return Optional.of(presented);
    }

    @Override
    public void authorizeEnroll(String vin, Checks checks) {
        throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                "a vehicle certificate renews (POST /api/v1/renew); enrollment needs a per-model certificate"
                        + " or a one-time token");
    }

    @Override
    public void authorizeRenew(String vin, VerifiedCsr csr, Checks checks) {
        if (!vin.equals(presented.vin()) || !vin.equals(presented.commonName())) {
            throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                    "certificate " + presented.serial() + " is not a certificate of VIN " + vin);
        }
        CertificateChecks.requireUsable(presented, checks.clock().instant(), "signing certificate");
        if (checks.superseded().isScheduled(presented.serial())) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_SUPERSEDED, "certificate " + presented.serial()
                    + " has already been renewed; use the newest certificate");
        }
        checks.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(ProblemType.VIN_NOT_REGISTERED,
                "VIN " + vin + " is not registered"));
        try {
            // By value: the same key in another encoding (a compressed point, another algorithm OID) is reuse.
            if (SubjectKeys.sameKey(csr.publicKey(),
                    SubjectPublicKeyInfo.getInstance(Certificates.subjectPublicKeyInfo(presented.der())))) {
                throw new EnrollmentProblem(ProblemType.KEY_REUSED,
                        "the CSR carries the key of the current certificate; renew with a new key");
            }
        } catch (GeneralSecurityException e) {
            throw new EnrollmentProblem(ProblemType.INVALID_CSR, "the CSR's public key cannot be encoded");
        }
    }
}
