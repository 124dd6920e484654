package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.EnrollmentRequest;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.util.Optional;

/**
 * Reads the credential a request presents: the token in its body, else the client certificate the
 * gateway verified and named in the PPv2 header (serial and CN), looked up in the CA. Which kind it
 * is decides the {@link EnrollmentCredential} implementation; whether it authorises the operation is
 * that implementation's to say.
 */
public final class PresentedCredentials {

    private PresentedCredentials() {
    }

    /**
     * The credential of {@code request}, for {@code vin}.
     *
     * @param renewal true for a renewal (which takes no token)
     */
    public static EnrollmentCredential of(EnrollmentRequest request, String vin, boolean renewal,
            CertificateAuthority ca, VehicleDirectory vehicles) {
        GatewayIdentity identity = request.identity();
        if (request.token() != null) {
            if (renewal) {
                throw new EnrollmentProblem(ProblemType.INVALID_REQUEST,
                        "renewal takes no token: its credential is the vehicle's current signing certificate");
            }
            String token = request.token();
            if (token.isEmpty() || token.length() > EnrollmentTokens.MAX_TOKEN_LENGTH) {
                throw new EnrollmentProblem(ProblemType.TOKEN_INVALID, "unknown enrollment token");
            }
            return new OneTimeTokenCredential(token, EnrollmentTokens.fingerprint(token), vin);
        }
        if (identity.certificate().isEmpty()) {
            String what = renewal ? "renewal needs the vehicle's current signing certificate"
                    : "enrollment needs a per-model certificate or a one-time token";
            throw new EnrollmentProblem(ProblemType.NO_CREDENTIAL, identity.presentedUnverified()
                    ? "the client certificate did not verify at the gateway; " + what
                    : "no client certificate and no token; " + what);
        }
        GatewayIdentity.VerifiedCertificate presented = identity.certificate().get();
        String cn = printable(presented.commonName());
        String serial = presented.serial().orElseThrow(() -> new EnrollmentProblem(ProblemType.UNKNOWN_CERTIFICATE,
                "the gateway sent no certificate serial (PPv2 TLV 0xE0)"));
        Optional<IssuedCertificate> known = ca.find(serial);
        if (known.isEmpty()) {
            if (!renewal && !ProfileCatalog.VIN.matcher(cn).matches() && vehicles.model(cn).isEmpty()) {
                throw new EnrollmentProblem(ProblemType.UNKNOWN_MODEL, "model " + cn + " is not registered");
            }
            throw new EnrollmentProblem(ProblemType.UNKNOWN_CERTIFICATE,
                    "certificate " + serial + " (CN " + cn + ") was not issued by this CA");
        }
        IssuedCertificate certificate = known.get();
        if (!certificate.commonName().equals(presented.commonName())) {
            throw new EnrollmentProblem(ProblemType.UNKNOWN_CERTIFICATE,
                    "certificate " + serial + " does not have the CN " + cn);
        }
        if (certificate.usage() == ProfileUsage.MODEL_SIGNING) {
            return new ModelCertificateCredential(certificate);
        }
        if (certificate.usage() == ProfileUsage.VEHICLE_SIGNING) {
            return new VehicleCertificateCredential(certificate);
        }
        throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                "certificate " + serial + " is not a vehicle or per-model signing certificate");
    }

    /** The model switch every enrollment credential obeys (renewal is not affected). */
    static void requireEnrollmentAllowed(VehicleModel model) {
        if (!model.enrollmentAllowed()) {
            throw new EnrollmentProblem(ProblemType.ENROLLMENT_DISABLED,
                    "enrollment is turned off for model " + model.code());
        }
    }

    /** A value for a message: at most 64 characters. (PPv2 values are already free of control characters.) */
    private static String printable(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
