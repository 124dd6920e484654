package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import java.util.Optional;

/**
 * A one-time enrollment token, bound to one VIN: enrolls that vehicle once, before it expires, while
 * its model's enrollment is on. Stored (and keyed) by its SM3 hash only; it never renews.
 *
 * @param token the token as presented (never logged: {@link #toString()} leaves it out)
 * @param hash  its SM3 hash, hex
 * @param vin   the VIN the request names
 */
public record OneTimeTokenCredential(String token, String hash, String vin) implements EnrollmentCredential {

    @Override
    public String key() {
        return "token:" + hash;
    }

    @Override
    public Actor actor() {
        return EnrollmentAudit.actor("token:" + vin);
    }

    @Override
    public Optional<IssuedCertificate> certificate() {
        return Optional.empty();
    }

    @Override
    public void authorizeEnroll(String vin, Checks checks) {
        EnrollmentTokens.TokenState state = checks.tokens().state(token);
        switch (state.status()) {
            case UNKNOWN -> throw new EnrollmentProblem(ProblemType.TOKEN_INVALID, "unknown enrollment token");
            case USED -> throw new EnrollmentProblem(ProblemType.TOKEN_USED, "the enrollment token was already used");
            case EXPIRED -> throw new EnrollmentProblem(ProblemType.TOKEN_EXPIRED, "the enrollment token expired at "
                    + state.expiresAt());
            case VALID -> {
                // checked below: bound to this VIN
            }
        }
        if (!state.vin().equals(vin)) {
            throw new EnrollmentProblem(ProblemType.TOKEN_WRONG_VIN, "the enrollment token is not bound to VIN " + vin);
        }
        Vehicle registered = checks.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(
                ProblemType.VIN_NOT_REGISTERED, "VIN " + vin + " is not registered"));
        VehicleModel model = checks.vehicles().model(registered.modelCode()).orElseThrow(() -> new EnrollmentProblem(
                ProblemType.UNKNOWN_MODEL, "model " + registered.modelCode() + " is not registered"));
        PresentedCredentials.requireEnrollmentAllowed(model);
    }

    @Override
    public void authorizeRenew(String vin, VerifiedCsr csr, Checks checks) {
        throw CertificateChecks.renewalNeedsVehicleCertificate();
    }

    /** Uses the token up, in the issuing transaction: a concurrent use of it rolls this issuance back. */
    @Override
    public void issued(String vin, Checks checks) {
        Optional<String> tokenVin = checks.tokens().consume(token, actor());
        if (tokenVin.isEmpty() || !tokenVin.get().equals(vin)) {
            throw new EnrollmentProblem(ProblemType.TOKEN_USED, "the enrollment token was used concurrently");
        }
    }

    @Override
    public String toString() {
        return "OneTimeTokenCredential[vin=" + vin + "]";
    }
}
