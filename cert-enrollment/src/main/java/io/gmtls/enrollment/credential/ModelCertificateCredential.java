package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import java.util.Optional;

/**
 * The per-model certificate (一型一密): enrolls a VIN registered to its model, while the model's
 * enrollment is on — a bootstrap credential only: the registration authority also requires that the
 * VIN is not blocked, has no usable certificate of its own and none revoked since its last operator
 * unblock. It never renews.
 */
public record ModelCertificateCredential(IssuedCertificate presented) implements EnrollmentCredential {

    @Override
    public String key() {
        return "model-cert:" + presented.serial();
    }

    @Override
    public Actor actor() {
        return EnrollmentAudit.actor("model-cert:" + presented.commonName() + "/" + presented.serial());
    }

    @Override
    public Optional<IssuedCertificate> certificate() {
        return Optional.of(presented);
    }

    @Override
    public void authorizeEnroll(String vin, Checks checks) {
        CertificateChecks.requireUsable(presented, checks.clock().instant(), "per-model certificate");
        String code = presented.modelCode() != null ? presented.modelCode() : presented.commonName();
        VehicleModel model = checks.vehicles().model(code).orElseThrow(() -> new EnrollmentProblem(
                ProblemType.UNKNOWN_MODEL, "model " + code + " is not registered"));
        Vehicle vehicle = checks.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(
                ProblemType.VIN_NOT_REGISTERED, "VIN " + vin + " is not registered"));
        if (!vehicle.modelCode().equals(model.code())) {
            throw new EnrollmentProblem(ProblemType.VIN_NOT_REGISTERED,
                    "VIN " + vin + " is not registered to model " + model.code());
        }
        PresentedCredentials.requireEnrollmentAllowed(model);
    }

    @Override
    public void authorizeRenew(String vin, VerifiedCsr csr, Checks checks) {
        throw CertificateChecks.renewalNeedsVehicleCertificate();
    }
}
