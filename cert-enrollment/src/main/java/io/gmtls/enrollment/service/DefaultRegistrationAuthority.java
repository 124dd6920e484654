package io.gmtls.enrollment.service;

import io.gmtls.enrollment.credential.EnrollmentCredential;
import io.gmtls.enrollment.credential.OneTimeTokenCredential;
import io.gmtls.enrollment.credential.PresentedCredentials;
import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentRecords.Operation;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CaUrls;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CertificateQuery;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Transactions;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.ProofOfPossessionException;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registration authority: checks the caller's credential (per-model certificate, one-time token,
 * or the vehicle's current signing certificate, as the gateway's PPv2 header names it) and the CSR,
 * then has the in-process CA issue the signing + encryption pair. Each kind of credential is an
 * {@link EnrollmentCredential} (package {@code io.gmtls.enrollment.credential}) that says whether it
 * authorises the operation; this class runs the request from start to end. Plain Java: storage is
 * reached through ports ({@link Transactions}, {@link EnrollmentRecords}, {@link SupersededPairs},
 * {@link StoreFailures}).
 *
 * <p>All writes of one request happen in one PostgreSQL transaction: the CA's certificate rows and
 * audit events, the use of the token, the revocation (or scheduling) of a renewed vehicle's old pair,
 * and the stored result that makes a retried request return the same answer. The vehicle's row is
 * locked first, so that two requests for one VIN run one after the other. A refusal leaves the stored
 * state as it was, except for one audit event saying why.
 */
public final class DefaultRegistrationAuthority implements RegistrationAuthority {

    private static final Logger log = LoggerFactory.getLogger(DefaultRegistrationAuthority.class);

    private static final String ENROLL_ACTION = "enrollment.enroll";
    private static final String RENEW_ACTION = "enrollment.renew";

    /** The collaborators, wired in one place (the application). */
    public record Parts(CertificateAuthority ca, VehicleDirectory vehicles, EnrollmentTokens tokens,
            EnrollmentRecords records, SupersededPairs superseded, RateLimiter limiter, EnrollmentAudit audit, Transactions transactions,
            StoreFailures storeFailures, CaUrls urls, Clock clock, String vehicleCaName, Duration renewalOverlap) {

        public Parts {
            Objects.requireNonNull(ca);
            Objects.requireNonNull(vehicles);
            Objects.requireNonNull(tokens);
            Objects.requireNonNull(records);
            Objects.requireNonNull(superseded);
            Objects.requireNonNull(limiter);
            Objects.requireNonNull(audit);
            Objects.requireNonNull(transactions);
            Objects.requireNonNull(storeFailures);
            Objects.requireNonNull(urls);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(vehicleCaName);
            Objects.requireNonNull(renewalOverlap);
        }
    }

    private final Parts p;
    private final EnrollmentCredential.Checks checks;

    public DefaultRegistrationAuthority(Parts parts) {
        this.p = parts;
        this.checks = new EnrollmentCredential.Checks(parts.vehicles(), parts.tokens(), parts.superseded(),
                parts.clock());
    }

    @Override
    public EnrollmentOutcome enroll(EnrollmentRequest request) {
        return handle(Operation.ENROLL, request);
    }

    @Override
    public EnrollmentOutcome renew(EnrollmentRequest request) {
        return handle(Operation.RENEW, request);
    }

    @Override
    public EnrollmentOutcome enrollOrRenew(EnrollmentRequest request) {
        boolean vehicleCertificate;
        try {
            vehicleCertificate = request.token() == null && request.identity().certificate()
                    .flatMap(GatewayIdentity.VerifiedCertificate::serial)
                    .flatMap(serial -> p.ca().find(serial))
                    .map(c -> c.usage() == ProfileUsage.VEHICLE_SIGNING)
                    .orElse(false);
        } catch (RuntimeException e) {
            // A malformed serial and the like: the enrollment path reports it properly.
            vehicleCertificate = false;
        }
        return handle(vehicleCertificate ? Operation.RENEW : Operation.ENROLL, request);
    }

    @Override
    public List<X509Certificate> caCertificates() {
        try {
            return p.ca().chain(p.vehicleCaName());
        } catch (PkiException e) {
            throw mapFailure(e);
        } catch (RuntimeException e) {
            if (p.storeFailures().unavailable(e)) {
                throw mapFailure(e);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One request, start to end

    /** What one request is about, filled in as it is checked (for the audit line of a refusal). */
    private static final class Context {
        final Operation operation;
        final EnrollmentRequest request;
        String vin;
        Actor actor;
        /** Set once the credential passed its checks: refusals before that are only counted. */
        boolean accepted;

        Context(Operation operation, EnrollmentRequest request) {
            this.operation = operation;
            this.request = request;
            this.actor = EnrollmentAudit.actor(request.identity());
        }

        String action() {
            return operation == Operation.ENROLL ? ENROLL_ACTION : RENEW_ACTION;
        }
    }

    private EnrollmentOutcome handle(Operation operation, EnrollmentRequest request) {
        Context ctx = new Context(operation, request);
        try {
            return run(ctx);
        } catch (EnrollmentProblem problem) {
            refused(ctx, problem);
            throw problem;
        } catch (RuntimeException e) {
            EnrollmentProblem problem = mapFailure(e);
            refused(ctx, problem);
            throw problem;
        }
    }

    private void refused(Context ctx, EnrollmentProblem problem) {
        if (problem.recorded()) {
            return;
        }
        if (!ctx.accepted) {
            // No credential accepted: anyone could send this, from many addresses (issue 11 item 21).
            p.audit().refusedUnauthenticated(ctx.action(), problem, ctx.request.identity(), ctx.request.protocol());
            problem.markRecorded();
            return;
        }
        if (!problem.audited()) {
            return;
        }
        p.audit().refused(ctx.actor, ctx.action(), ctx.vin, problem, ctx.request.identity(), ctx.request.protocol());
        problem.markRecorded();
    }

    private EnrollmentOutcome run(Context ctx) {
        EnrollmentRequest request = ctx.request;
        byte[] der = request.csr();
        if (der.length == 0) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST, "csr is missing");
        }
        if (request.vin() != null) {
            ctx.vin = requireVin(request.vin());
        }
        VerifiedCsr csr = verifyCsr(der);
        if (ctx.vin == null) {
            if (csr.commonName() == null) {
                throw new EnrollmentProblem(ProblemType.CSR_SUBJECT_MISMATCH, "the CSR subject has no CN (the VIN)");
            }
            ctx.vin = requireVin(csr.commonName());
        }
        String vin = ctx.vin;
        if (csr.keyAlgorithm() != KeyAlgorithm.SM2) {
            throw new EnrollmentProblem(ProblemType.UNSUPPORTED_KEY,
                    "the CSR must carry an SM2 signing key (got " + csr.keyAlgorithm() + ")");
        }
        if (!vin.equals(csr.commonName())) {
            throw new EnrollmentProblem(ProblemType.CSR_SUBJECT_MISMATCH,
                    csr.commonName() == null ? "the CSR subject has no CN; it must be the VIN " + vin
                            : "the CSR subject CN is not the VIN " + vin);
        }
        EnrollmentCredential credential = PresentedCredentials.of(request, vin, ctx.operation == Operation.RENEW,
                p.ca(), p.vehicles());
        ctx.actor = credential.actor();
        if (credential instanceof OneTimeTokenCredential) {
            RateLimiter.Verdict verdict = p.limiter().credential("token-vin:" + vin);
            if (!verdict.allowed()) {
                throw EnrollmentProblem.rateLimited("too many token attempts for VIN " + vin, verdict);
            }
        }
        String csrSm3 = Fingerprints.sm3Hex(der);

        Optional<EnrollmentOutcome> replay = replay(ctx, credential, csrSm3);
        if (replay.isPresent()) {
            return replay.get();
        }
        if (ctx.operation == Operation.ENROLL) {
            credential.authorizeEnroll(vin, checks);
        } else {
            credential.authorizeRenew(vin, csr, checks);
        }
        requireVehicleState(credential, vin, p.clock().instant());
        ctx.accepted = true;
        try {
            EnrollmentOutcome outcome = p.transactions().inTransaction(() -> issue(ctx, credential, der, csrSm3));
            if (!outcome.created()) {
                auditReplay(ctx, credential);
            }
            return outcome;
        } catch (EnrollmentRecords.AlreadyStoredException e) {
            // The same request committed concurrently on another node between our checks.
            return replay(ctx, credential, csrSm3).orElseThrow(() -> new EnrollmentProblem(
                    ProblemType.ALREADY_ENROLLED, "VIN " + vin + " was enrolled concurrently"));
        }
    }

    /**
     * Everything that writes, in one transaction. Work that must wait for the commit (the CRL after
     * revoking the old pair) runs after it, before the transaction call returns.
     */
    private EnrollmentOutcome issue(Context ctx, EnrollmentCredential credential, byte[] der, String csrSm3) {
        String vin = ctx.vin;
        p.records().lockVehicle(vin).orElseThrow(() -> new EnrollmentProblem(ProblemType.VIN_NOT_REGISTERED,
                "VIN " + vin + " is not registered"));
        // A concurrent identical request may have finished while we waited for the lock.
        Optional<EnrollmentRecords.Record> stored = p.records().find(vin, csrSm3)
                .filter(r -> r.operation() == ctx.operation && sameCredential(r.credential(), credential.key()));
        if (stored.isPresent()) {
            return outcomeOf(stored.get(), false);
        }
        Instant now = p.clock().instant();
        // Again under the vehicle's row lock: a block or revocation committed meanwhile counts.
        requireVehicleState(credential, vin, now);
        List<IssuedCertificate> oldPair = List.of();
        if (ctx.operation == Operation.ENROLL) {
            if (hasUsableSigningCertificate(vin, now)) {
                throw new EnrollmentProblem(ProblemType.ALREADY_ENROLLED, "VIN " + vin
                        + " already has a valid signing certificate; renew with it (POST /api/v1/renew)");
            }
        } else {
            IssuedCertificate fresh = p.ca().find(credential.certificate().orElseThrow().serial()).orElseThrow();
            if (!fresh.usableAt(now) || p.superseded().isScheduled(fresh.serial())) {
                throw new EnrollmentProblem(ProblemType.CERTIFICATE_SUPERSEDED,
                        "certificate " + fresh.serial() + " was renewed or revoked concurrently");
            }
            oldPair = currentPair(vin, now);
        }
        VehicleCredentials issued = p.ca().issueVehiclePair(new VehiclePairRequest(vin, der), ctx.actor);
        credential.issued(vin, checks);
        String superseded = "";
        if (ctx.operation == Operation.RENEW) {
            superseded = supersede(oldPair, vin, issued.signing().serial(), ctx.actor, now);
        }
        EnrollmentRecords.Record record = new EnrollmentRecords.Record(vin, csrSm3, ctx.operation, credential.key(),
                issued.signing().serial(), issued.encryption().serial(), issued.envelopedKey());
        p.records().insert(record);
        p.audit().success(ctx.actor, ctx.action(), vin, "sign=" + issued.signing().serial() + " enc="
                + issued.encryption().serial() + superseded + " " + ctx.request.identity().describe() + " protocol="
                + ctx.request.protocol());
        return outcome(true, vin, Certificates.parse(issued.signing().der()),
                Certificates.parse(issued.encryption().der()), issued.envelopedKey(), issued.chain(),
                issued.signing().caName());
    }

    /** Revokes the old pair now (overlap 0) or schedules it for the end of the overlap. */
    private String supersede(List<IssuedCertificate> oldPair, String vin, String replacedBy, Actor actor, Instant now) {
        if (oldPair.isEmpty()) {
            return "";
        }
        StringBuilder serials = new StringBuilder();
        for (IssuedCertificate old : oldPair) {
            if (p.renewalOverlap().isZero()) {
                p.ca().revoke(old.serial(), RevocationReason.SUPERSEDED, actor);
            } else {
                p.superseded().schedule(old.serial(), vin, replacedBy, now.plus(p.renewalOverlap()));
            }
            serials.append(serials.isEmpty() ? "" : ",").append(old.serial());
        }
        return p.renewalOverlap().isZero() ? " revoked=" + serials
                : " superseding=" + serials + " after=" + p.renewalOverlap();
    }

    // ---------------------------------------------------------------------------------------------
    // Retries

    private Optional<EnrollmentOutcome> replay(Context ctx, EnrollmentCredential credential, String csrSm3) {
        Optional<EnrollmentRecords.Record> stored = p.records().find(ctx.vin, csrSm3);
        if (stored.isEmpty() || stored.get().operation() != ctx.operation
                || !sameCredential(stored.get().credential(), credential.key())) {
            return Optional.empty();
        }
        // The credential must still stand, except that a renewal's own credential may since have been
        // superseded by exactly that renewal.
        IssuedCertificate certificate = credential.certificate().orElse(null);
        if (certificate != null && certificate.status() == CertificateStatus.REVOKED
                && !(ctx.operation == Operation.RENEW && certificate.revocationReason() == RevocationReason.SUPERSEDED)) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_REVOKED,
                    "certificate " + certificate.serial() + " is revoked");
        }
        EnrollmentOutcome outcome = outcomeOf(stored.get(), false);
        auditReplay(ctx, credential);
        return Optional.of(outcome);
    }

    private void auditReplay(Context ctx, EnrollmentCredential credential) {
        p.transactions().inTransaction(() -> {
            p.audit().success(credential.actor(), ctx.action(), ctx.vin, "retry answered with the stored result "
                    + ctx.request.identity().describe() + " protocol=" + ctx.request.protocol());
            return null;
        });
    }

    private static boolean sameCredential(String stored, String presented) {
        return MessageDigest.isEqual(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private EnrollmentOutcome outcomeOf(EnrollmentRecords.Record record, boolean created) {
        IssuedCertificate sign = p.ca().find(record.signSerial()).orElseThrow(
                () -> new IllegalStateException("stored enrollment references a missing certificate"));
        IssuedCertificate enc = p.ca().find(record.encSerial()).orElseThrow(
                () -> new IllegalStateException("stored enrollment references a missing certificate"));
        return outcome(created, record.vin(), Certificates.parse(sign.der()), Certificates.parse(enc.der()),
                record.envelopedKey(), p.ca().chain(sign.caName()), sign.caName());
    }

    private EnrollmentOutcome outcome(boolean created, String vin, X509Certificate sign, X509Certificate enc,
            byte[] envelope, List<X509Certificate> chain, String caName) {
        CaUrls urls = p.urls();
        return new EnrollmentOutcome(created, vin, sign, enc, envelope, chain,
                urls.configured() ? Optional.of(urls.crlUrl(caName)) : Optional.empty(),
                urls.configured() ? Optional.of(urls.ocspUrl()) : Optional.empty());
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /**
     * The per-VIN rules every credential obeys: a blocked VIN is refused on every path; the per-model
     * credential (a bootstrap credential, never a standing identity) enrolls a VIN only while it has no
     * usable certificate of its own and none revoked since its last operator unblock.
     */
    private void requireVehicleState(EnrollmentCredential credential, String vin, Instant now) {
        io.gmtls.pki.core.Vehicle vehicle = p.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(
                ProblemType.VIN_NOT_REGISTERED, "VIN " + vin + " is not registered"));
        if (vehicle.blocked()) {
            throw new EnrollmentProblem(ProblemType.VIN_BLOCKED, "VIN " + vin + " is blocked by an operator");
        }
        if (!(credential instanceof io.gmtls.enrollment.credential.ModelCertificateCredential)) {
            return;
        }
        List<IssuedCertificate> own = p.ca().search(new CertificateQuery(vin, null, null, null, null, 1000));
        if (own.size() >= 1000) {
            // Fail closed: more than can be looked at.
            throw new EnrollmentProblem(ProblemType.OPERATOR_ACTION_REQUIRED,
                    "VIN " + vin + " has too many certificates for the per-model credential");
        }
        io.gmtls.pki.core.Vehicle.VehicleCertificates state =
                io.gmtls.pki.core.Vehicle.VehicleCertificates.of(vin, own, now);
        if (state.anyUsable()) {
            throw new EnrollmentProblem(ProblemType.ALREADY_ENROLLED, "VIN " + vin
                    + " already has a valid signing certificate; renew with it (POST /api/v1/renew)");
        }
        if (vehicle.perModelRefusal(state) != null) {
            throw new EnrollmentProblem(ProblemType.OPERATOR_ACTION_REQUIRED, "VIN " + vin
                    + "'s certificates were revoked; re-enrollment needs a one-time token or an operator unblock");
        }
    }

    private boolean hasUsableSigningCertificate(String vin, Instant now) {
        return p.ca().search(new CertificateQuery(vin, null, null, CertificateStatus.VALID, null, 1000)).stream()
                .anyMatch(c -> c.usage() == ProfileUsage.VEHICLE_SIGNING && c.usableAt(now));
    }

    /** The vehicle's valid, unexpired signing and encryption certificates (all of them are superseded). */
    private List<IssuedCertificate> currentPair(String vin, Instant now) {
        return p.ca().search(new CertificateQuery(vin, null, null, CertificateStatus.VALID, null, 1000)).stream()
                .filter(c -> c.usage() == ProfileUsage.VEHICLE_SIGNING || c.usage() == ProfileUsage.VEHICLE_ENCRYPTION)
                .filter(c -> c.notAfter().isAfter(now))
                .toList();
    }

    private static String requireVin(String vin) {
        if (!ProfileCatalog.VIN.matcher(vin).matches()) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST,
                    "vin must be 17 characters of 0-9 and A-Z without I, O and Q");
        }
        return vin;
    }

    private static VerifiedCsr verifyCsr(byte[] der) {
        try {
            return CertificateRequests.verify(der);
        } catch (ProofOfPossessionException e) {
            throw new EnrollmentProblem(ProblemType.PROOF_OF_POSSESSION_FAILED,
                    "the CSR's signature does not verify with its own public key");
        } catch (PkiException e) {
            if (e.kind() == PkiException.Kind.TOO_LARGE) {
                throw new EnrollmentProblem(ProblemType.TOO_LARGE, e.getMessage());
            }
            throw new EnrollmentProblem(ProblemType.INVALID_CSR, e.getMessage());
        }
    }

    /** Turns anything that is not a refusal into one: the CA's own refusals, database trouble, bugs. */
    private EnrollmentProblem mapFailure(RuntimeException e) {
        if (e instanceof EnrollmentProblem problem) {
            return problem;
        }
        if (e instanceof PkiException pki) {
            return switch (pki.kind()) {
                case BAD_REQUEST, NOT_FOUND -> new EnrollmentProblem(ProblemType.INVALID_REQUEST, pki.getMessage());
                case FORBIDDEN -> new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL, pki.getMessage());
                case CONFLICT -> new EnrollmentProblem(ProblemType.ALREADY_ENROLLED, pki.getMessage());
                case TOO_LARGE -> new EnrollmentProblem(ProblemType.TOO_LARGE, pki.getMessage());
                case UNAVAILABLE -> new EnrollmentProblem(ProblemType.UNAVAILABLE, "the CA is unavailable");
                case INTERNAL -> {
                    log.error("CA failure: {}", pki.getMessage(), pki.getCause());
                    yield new EnrollmentProblem(ProblemType.INTERNAL, "the CA failed; nothing was issued");
                }
            };
        }
        if (p.storeFailures().unavailable(e)) {
            log.warn("database unavailable: {}", e.getClass().getSimpleName());
            return new EnrollmentProblem(ProblemType.UNAVAILABLE, "the database is unavailable; nothing was issued");
        }
        log.error("enrollment failed unexpectedly", e);
        return new EnrollmentProblem(ProblemType.INTERNAL, "internal error; nothing was issued");
    }
}
