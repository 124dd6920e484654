package io.gmtls.enrollment.credential;

import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.SupersededPairs;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What a vehicle presents to enroll or renew, one implementation per kind (as smallstep's
 * provisioners): {@link ModelCertificateCredential} (the per-model certificate, 一型一密),
 * {@link OneTimeTokenCredential} (a token bound to a VIN) and {@link VehicleCertificateCredential}
 * (the vehicle's current signing certificate, which renews). {@link PresentedCredentials} reads the
 * credential from a request; the registration authority asks it whether it authorises the operation.
 * Each check throws an {@link EnrollmentProblem} saying why not.
 */
public sealed interface EnrollmentCredential
        permits ModelCertificateCredential, OneTimeTokenCredential, VehicleCertificateCredential {

    /** What the checks read. */
    record Checks(VehicleDirectory vehicles, EnrollmentTokens tokens, SupersededPairs superseded, Clock clock) {

        public Checks {
            Objects.requireNonNull(vehicles);
            Objects.requireNonNull(tokens);
            Objects.requireNonNull(superseded);
            Objects.requireNonNull(clock);
        }
    }

    /** Stored with the result: a retry must present the same credential. */
    String key();

    /** Who the audit log names. */
    Actor actor();

    /** The certificate presented, when the credential is a certificate (a retry checks it still stands). */
    Optional<IssuedCertificate> certificate();

    /** Checks that this credential authorises the first enrollment of {@code vin}. */
    void authorizeEnroll(String vin, Checks checks);

    /** Checks that this credential authorises renewing {@code vin}'s pair with {@code csr}'s key. */
    void authorizeRenew(String vin, VerifiedCsr csr, Checks checks);

    /**
     * In the issuing transaction, once the pair was issued: uses up what may be used once. Throws
     * (and so rolls the issuance back) when a concurrent request used it first.
     */
    default void issued(String vin, Checks checks) {
    }
}
