package io.gmtls.enrollment.service;

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
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.ProofOfPossessionException;
import io.gmtls.pki.core.crypto.SubjectKeys;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.TransactionException;

/**
 * The registration authority: checks the caller's credential (per-model certificate, one-time token,
 * or the vehicle's current signing certificate, as the gateway's PPv2 header names it) and the CSR,
 * then has the in-process CA issue the signing + encryption pair.
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
            CaUrls urls, Clock clock, String vehicleCaName, Duration renewalOverlap) {

        public Parts {
            Objects.requireNonNull(ca);
            Objects.requireNonNull(vehicles);
            Objects.requireNonNull(tokens);
            Objects.requireNonNull(records);
            Objects.requireNonNull(superseded);
            Objects.requireNonNull(limiter);
            Objects.requireNonNull(audit);
            Objects.requireNonNull(transactions);
            Objects.requireNonNull(urls);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(vehicleCaName);
            Objects.requireNonNull(renewalOverlap);
        }
    }

    private final Parts p;

    public DefaultRegistrationAuthority(Parts parts) {
        this.p = parts;
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
        } catch (PkiException | DataAccessException e) {
            throw mapFailure(e);
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
        Credential credential = presentedCredential(ctx);
        ctx.actor = credential.actor();
        if (credential instanceof TokenCredential) {
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
            checkEnrollCredential(credential, vin);
        } else {
            checkRenewCredential(credential, vin, csr);
        }
        ctx.accepted = true;
        try {
            EnrollmentOutcome outcome = p.transactions().inTransaction(() -> issue(ctx, credential, der, csrSm3));
            if (!outcome.created()) {
                auditReplay(ctx, credential);
            }
            return outcome;
        } catch (DuplicateKeyException e) {
            // The same request committed concurrently on another node between our checks.
            return replay(ctx, credential, csrSm3).orElseThrow(() -> new EnrollmentProblem(
                    ProblemType.ALREADY_ENROLLED, "VIN " + vin + " was enrolled concurrently"));
        }
    }

    /**
     * Everything that writes, in one transaction. Work that must wait for the commit (the CRL after
     * revoking the old pair) runs after it, before the transaction call returns.
     */
    private EnrollmentOutcome issue(Context ctx, Credential credential, byte[] der, String csrSm3) {
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
        List<IssuedCertificate> oldPair = List.of();
        if (ctx.operation == Operation.ENROLL) {
            if (hasUsableSigningCertificate(vin, now)) {
                throw new EnrollmentProblem(ProblemType.ALREADY_ENROLLED, "VIN " + vin
                        + " already has a valid signing certificate; renew with it (POST /api/v1/renew)");
            }
        } else {
            VehicleCredential current = (VehicleCredential) credential;
            IssuedCertificate fresh = p.ca().find(current.certificate().serial()).orElseThrow();
            if (!fresh.usableAt(now) || p.superseded().isScheduled(fresh.serial())) {
                throw new EnrollmentProblem(ProblemType.CERTIFICATE_SUPERSEDED,
                        "certificate " + fresh.serial() + " was renewed or revoked concurrently");
            }
            oldPair = currentPair(vin, now);
        }
        VehicleCredentials issued = p.ca().issueVehiclePair(new VehiclePairRequest(vin, der), ctx.actor);
        if (credential instanceof TokenCredential token) {
            Optional<String> tokenVin = p.tokens().consume(token.token(), ctx.actor);
            if (tokenVin.isEmpty() || !tokenVin.get().equals(vin)) {
                throw new EnrollmentProblem(ProblemType.TOKEN_USED, "the enrollment token was used concurrently");
            }
        }
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
    // Credentials

    /** A credential as presented, before it is checked for the operation. */
    private sealed interface Credential permits ModelCredential, VehicleCredential, TokenCredential {
        /** Stored with the result: a retry must present the same credential. */
        String key();

        Actor actor();
    }

    private record ModelCredential(IssuedCertificate certificate) implements Credential {
        @Override
        public String key() {
            return "model-cert:" + certificate.serial();
        }

        @Override
        public Actor actor() {
            return EnrollmentAudit.actor("model-cert:" + certificate.commonName() + "/" + certificate.serial());
        }
    }

    private record VehicleCredential(IssuedCertificate certificate) implements Credential {
        @Override
        public String key() {
            return "vehicle-cert:" + certificate.serial();
        }

        @Override
        public Actor actor() {
            return EnrollmentAudit.actor("vehicle-cert:" + certificate.commonName() + "/" + certificate.serial());
        }
    }

    private record TokenCredential(String token, String hash, String vin) implements Credential {
        @Override
        public String key() {
            return "token:" + hash;
        }

        @Override
        public Actor actor() {
            return EnrollmentAudit.actor("token:" + vin);
        }

        @Override
        public String toString() {
            return "TokenCredential[vin=" + vin + "]";
        }
    }

    private Credential presentedCredential(Context ctx) {
        EnrollmentRequest request = ctx.request;
        GatewayIdentity identity = request.identity();
        if (request.token() != null) {
            if (ctx.operation == Operation.RENEW) {
                throw new EnrollmentProblem(ProblemType.INVALID_REQUEST,
                        "renewal takes no token: its credential is the vehicle's current signing certificate");
            }
            String token = request.token();
            if (token.isEmpty() || token.length() > EnrollmentTokens.MAX_TOKEN_LENGTH) {
                throw new EnrollmentProblem(ProblemType.TOKEN_INVALID, "unknown enrollment token");
            }
            return new TokenCredential(token, EnrollmentTokens.fingerprint(token), ctx.vin);
        }
        if (identity.certificate().isEmpty()) {
            String what = ctx.operation == Operation.RENEW ? "renewal needs the vehicle's current signing certificate"
                    : "enrollment needs a per-model certificate or a one-time token";
            throw new EnrollmentProblem(ProblemType.NO_CREDENTIAL, identity.presentedUnverified()
                    ? "the client certificate did not verify at the gateway; " + what
                    : "no client certificate and no token; " + what);
        }
        GatewayIdentity.VerifiedCertificate presented = identity.certificate().get();
        String cn = printable(presented.commonName());
        String serial = presented.serial().orElseThrow(() -> new EnrollmentProblem(ProblemType.UNKNOWN_CERTIFICATE,
                "the gateway sent no certificate serial (PPv2 TLV 0xE0)"));
        Optional<IssuedCertificate> known = p.ca().find(serial);
        if (known.isEmpty()) {
            if (ctx.operation == Operation.ENROLL && !ProfileCatalog.VIN.matcher(cn).matches()
                    && p.vehicles().model(cn).isEmpty()) {
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
            return new ModelCredential(certificate);
        }
        if (certificate.usage() == ProfileUsage.VEHICLE_SIGNING) {
            return new VehicleCredential(certificate);
        }
        throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                "certificate " + serial + " is not a vehicle or per-model signing certificate");
    }

    private void checkEnrollCredential(Credential credential, String vin) {
        Instant now = p.clock().instant();
        VehicleModel model;
        Vehicle vehicle;
        if (credential instanceof ModelCredential m) {
            requireUsable(m.certificate(), now, "per-model certificate");
            String code = m.certificate().modelCode() != null ? m.certificate().modelCode()
                    : m.certificate().commonName();
            model = p.vehicles().model(code).orElseThrow(() -> new EnrollmentProblem(ProblemType.UNKNOWN_MODEL,
                    "model " + code + " is not registered"));
            vehicle = p.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(
                    ProblemType.VIN_NOT_REGISTERED, "VIN " + vin + " is not registered"));
            if (!vehicle.modelCode().equals(model.code())) {
                throw new EnrollmentProblem(ProblemType.VIN_NOT_REGISTERED,
                        "VIN " + vin + " is not registered to model " + model.code());
            }
        } else if (credential instanceof TokenCredential t) {
            EnrollmentTokens.TokenState state = p.tokens().state(t.token());
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
                throw new EnrollmentProblem(ProblemType.TOKEN_WRONG_VIN,
                        "the enrollment token is not bound to VIN " + vin);
            }
            Vehicle registered = p.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(
                    ProblemType.VIN_NOT_REGISTERED, "VIN " + vin + " is not registered"));
            vehicle = registered;
            model = p.vehicles().model(registered.modelCode()).orElseThrow(() -> new EnrollmentProblem(
                    ProblemType.UNKNOWN_MODEL, "model " + registered.modelCode() + " is not registered"));
        } else {
            throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                    "a vehicle certificate renews (POST /api/v1/renew); enrollment needs a per-model certificate"
                            + " or a one-time token");
        }
        if (!model.enrollmentAllowed()) {
            throw new EnrollmentProblem(ProblemType.ENROLLMENT_DISABLED,
                    "enrollment is turned off for model " + model.code());
        }
    }

    private void checkRenewCredential(Credential credential, String vin, VerifiedCsr csr) {
        if (!(credential instanceof VehicleCredential v)) {
            throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                    "renewal needs the vehicle's current signing certificate, not a per-model certificate");
        }
        IssuedCertificate certificate = v.certificate();
        if (!vin.equals(certificate.vin()) || !vin.equals(certificate.commonName())) {
            throw new EnrollmentProblem(ProblemType.WRONG_CREDENTIAL,
                    "certificate " + certificate.serial() + " is not a certificate of VIN " + vin);
        }
        requireUsable(certificate, p.clock().instant(), "signing certificate");
        if (p.superseded().isScheduled(certificate.serial())) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_SUPERSEDED, "certificate " + certificate.serial()
                    + " has already been renewed; use the newest certificate");
        }
        p.vehicles().vehicle(vin).orElseThrow(() -> new EnrollmentProblem(ProblemType.VIN_NOT_REGISTERED,
                "VIN " + vin + " is not registered"));
        try {
            // By value: the same key in another encoding (a compressed point, another algorithm OID) is reuse.
            if (SubjectKeys.sameKey(csr.publicKey(),
                    SubjectPublicKeyInfo.getInstance(Certificates.subjectPublicKeyInfo(certificate.der())))) {
                throw new EnrollmentProblem(ProblemType.KEY_REUSED,
                        "the CSR carries the key of the current certificate; renew with a new key");
            }
        } catch (GeneralSecurityException e) {
            throw new EnrollmentProblem(ProblemType.INVALID_CSR, "the CSR's public key cannot be encoded");
        }
    }

    private static void requireUsable(IssuedCertificate certificate, Instant now, String what) {
        if (certificate.status() == CertificateStatus.REVOKED) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_REVOKED,
                    "the " + what + " " + certificate.serial() + " is revoked");
        }
        if (!certificate.usableAt(now)) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_EXPIRED,
                    "the " + what + " " + certificate.serial() + " is expired or not yet valid");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Retries

    private Optional<EnrollmentOutcome> replay(Context ctx, Credential credential, String csrSm3) {
        Optional<EnrollmentRecords.Record> stored = p.records().find(ctx.vin, csrSm3);
        if (stored.isEmpty() || stored.get().operation() != ctx.operation
                || !sameCredential(stored.get().credential(), credential.key())) {
            return Optional.empty();
        }
        // The credential must still stand, except that a renewal's own credential may since have been
        // superseded by exactly that renewal.
        IssuedCertificate certificate = credential instanceof ModelCredential m ? m.certificate()
                : credential instanceof VehicleCredential v ? v.certificate() : null;
        if (certificate != null && certificate.status() == CertificateStatus.REVOKED
                && !(ctx.operation == Operation.RENEW && certificate.revocationReason() == RevocationReason.SUPERSEDED)) {
            throw new EnrollmentProblem(ProblemType.CERTIFICATE_REVOKED,
                    "certificate " + certificate.serial() + " is revoked");
        }
        EnrollmentOutcome outcome = outcomeOf(stored.get(), false);
        auditReplay(ctx, credential);
        return Optional.of(outcome);
    }

    private void auditReplay(Context ctx, Credential credential) {
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

    /** A value for a message: at most 64 characters. (PPv2 values are already free of control characters.) */
    private static String printable(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** Turns anything that is not a refusal into one: the CA's own refusals, database trouble, bugs. */
    static EnrollmentProblem mapFailure(RuntimeException e) {
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
        if (e instanceof DataAccessException || e instanceof TransactionException) {
            log.warn("database unavailable: {}", e.getClass().getSimpleName());
            return new EnrollmentProblem(ProblemType.UNAVAILABLE, "the database is unavailable; nothing was issued");
        }
        log.error("enrollment failed unexpectedly", e);
        return new EnrollmentProblem(ProblemType.INTERNAL, "internal error; nothing was issued");
    }
}
