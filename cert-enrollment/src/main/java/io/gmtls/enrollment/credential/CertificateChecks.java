package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.IssuedCertificate;
import java.time.Instant;

/** Checks shared by the certificate credentials. */
final class CertificateChecks {

    private CertificateChecks() {
    }

    /** Refuses a revoked certificate, or one outside its validity period at {@code now}. */
    static void requireUsable(IssuedCertificate certificate, Instant now, String what) {
        if (certificate.status() == CertificateStatus.REVOKED) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_REVOKED,
                    "the " + what + " " + certificate.serial() + " is revoked");
        }
        if (!certificate.usableAt(now)) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_EXPIRED,
                    "the " + what + " " + certificate.serial() + " is expired or not yet valid");
        }
    }

    /** Refusal of a renewal with anything but the vehicle's own signing certificate. */
    static EnrollmentProblem renewalNeedsVehicleCertificate() {
        return new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                "renewal needs the vehicle's current signing certificate, not a per-model certificate");
    }
}
