package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.SerialNumbers;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.PolicyRule;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/** The CA core: policy, signing, storage and audit through ports; no Spring, no JDBC. */
public final class DefaultCertificateAuthority implements CertificateAuthority {

    private static final int SERIAL_ATTEMPTS = 5;
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    /** The actor role of admin API keys (the only one that issues under privileged profiles). */
    private static final String ADMIN_ROLE = "admin";

    private final CaDirectory cas;
    private final ProfileCatalog profiles;
    private final List<PolicyRule> policy;
    private final CertificateIssuer issuer;
    private final CertificateStore store;
    private final VehicleRegistry vehicles;
    private final AuditLog audit;
    private final Transactions transactions;
    private final SecureRandom random;
    private final SerialNumbers serials;
    private final Clock clock;
    /** The key-management key, kept as one parameters object so that its point keeps its precomputation. */
    private final ECPublicKeyParameters escrowKey;
    private final Consumer<IssuedCertificate> afterRevocation;

    /**
     * @param escrowKey       SM2 public key of the key-management key that escrows generated
     *                        encryption keys, or null for no escrow
     * @param afterRevocation called after a revocation committed, outside its transaction (and outside
     *                        a caller's transaction it joined): republishes the CRL
     */
    public DefaultCertificateAuthority(CaDirectory cas, ProfileCatalog profiles, List<PolicyRule> policy,
            CertificateIssuer issuer, CertificateStore store, VehicleRegistry vehicles, AuditLog audit,
            Transactions transactions, SecureRandom random, Clock clock, PublicKey escrowKey,
            Consumer<IssuedCertificate> afterRevocation) {
        this.cas = Objects.requireNonNull(cas);
        this.profiles = Objects.requireNonNull(profiles);
        this.policy = List.copyOf(policy);
        this.issuer = Objects.requireNonNull(issuer);
        this.store = Objects.requireNonNull(store);
        this.vehicles = Objects.requireNonNull(vehicles);
        this.audit = Objects.requireNonNull(audit);
        this.transactions = Objects.requireNonNull(transactions);
        this.random = Objects.requireNonNull(random);
        this.serials = new SerialNumbers(random);
        this.clock = Objects.requireNonNull(clock);
        if (escrowKey != null && !Sm2Keys.isSm2(escrowKey)) {
            throw new PkiConfigException("gmtls.ca.escrow.certificate", "the key-management key must be SM2");
        }
        this.escrowKey = escrowKey == null ? null : Sm2Keys.publicParameters(escrowKey);
        this.afterRevocation = afterRevocation == null ? c -> { } : afterRevocation;
    }

    @Override
    public IssuedCertificate issue(IssueRequest request, Actor actor) {
        CertificateProfile profile = profiles.require(request.profile());
        IssuingCa ca = cas.issuing(profile.issuer());
        SubjectPublicKeyInfo spki;
        String cn = request.commonName();
        List<String> dns = request.dnsNames();
        if ((request.csr() == null) == (request.publicKey() == null)) {
            throw PkiException.badRequest("give exactly one of csr and publicKey");
        }
        if (isPrivileged(profile)) {
            requirePrivilegedIssuance(profile, request, actor);
        }
        if (request.csr() != null) {
            VerifiedCsr csr = CertificateRequests.verify(request.csr());
            spki = csr.publicKey();
            if (cn == null) {
                cn = csr.commonName();
            }
            if (dns.isEmpty()) {
                dns = profile.requireDnsSan() ? csr.dnsNames() : List.of();
            }
        } else {
            spki = parsePublicKey(request.publicKey());
        }
        IssuanceDraft draft = draft(profile, spki, cn, dns, ca);
        String target = profile.name() + ":" + draft.commonName();
        SignedCertificate presigned = issuer.sign(draft, ca, serials.next());
        return audited(actor, "certificate.issue", target, () -> transactions.inTransaction(() -> {
            Binding binding = bind(profile, draft.commonName());
            IssuedCertificate issued = store(draft, ca, binding, presigned, null);
            audit.append(AuditEvent.success(actor, "certificate.issue", target, "serial=" + issued.serial()));
            return issued;
        }));
    }

    @Override
    public VehicleCredentials issueVehiclePair(VehiclePairRequest request, Actor actor) {
        String vin = request.vin();
        if (vin == null || !ProfileCatalog.VIN.matcher(vin).matches()) {
            throw PkiException.badRequest("VIN must be 17 characters of 0-9 and A-Z without I, O and Q");
        }
        CertificateProfile signProfile = profiles.require(request.signProfileOrDefault());
        CertificateProfile encProfile = profiles.require(request.encProfileOrDefault());
        if (signProfile.usage() != ProfileUsage.VEHICLE_SIGNING || encProfile.usage() != ProfileUsage.VEHICLE_ENCRYPTION) {
            throw PkiException.badRequest("a vehicle pair needs a vehicle signing and a vehicle encryption profile");
        }
        VerifiedCsr csr = CertificateRequests.verify(request.signingCsr());
        if (csr.keyAlgorithm() != KeyAlgorithm.SM2) {
            throw PkiException.badRequest("the signing CSR must carry an SM2 key (got " + csr.keyAlgorithm() + ")");
        }
        if (csr.commonName() != null && !csr.commonName().equals(vin)) {
            throw PkiException.badRequest("the CSR's CN does not match the VIN");
        }
        IssuingCa signCa = cas.issuing(signProfile.issuer());
        IssuingCa encCa = cas.issuing(encProfile.issuer());
        IssuanceDraft signDraft = draft(signProfile, csr.publicKey(), vin, List.of(), signCa);

        KeyPair encPair = Sm2Keys.generate(random);
        IssuanceDraft encDraft = draft(encProfile,
                Sm2Keys.subjectPublicKeyInfo(Sm2Keys.publicParameters(encPair.getPublic()).getQ()), vin, List.of(),
                encCa);
        ECPublicKeyParameters recipient;
        try {
            recipient = Sm2Keys.publicParameters(csr.publicKey());
        } catch (GeneralSecurityException e) {
            throw PkiException.badRequest("the CSR's public key is unreadable");
        }
        byte[] envelope = Sm2EnvelopedKey.seal(encPair, recipient, random).encoded();
        byte[] escrow = escrowKey == null ? null : Sm2EnvelopedKey.seal(encPair, escrowKey, random).encoded();
        SignedCertificate signPresigned = issuer.sign(signDraft, signCa, serials.next());
        SignedCertificate encPresigned = issuer.sign(encDraft, encCa, serials.next());
        return audited(actor, "vehicle.enroll", vin, () -> transactions.inTransaction(() -> {
            Binding binding = bind(signProfile, vin);
            IssuedCertificate sign = row(signDraft, signCa, binding, signPresigned);
            IssuedCertificate enc = row(encDraft, encCa, binding, encPresigned);
            // Both rows in one round trip; a taken serial (2^-127 odds) is signed again.
            Set<String> taken = store.insertAll(List.of(sign, enc), Arrays.asList(null, escrow));
            if (taken.contains(sign.serial())) {
                sign = resign(signDraft, signCa, binding, null);
            }
            if (taken.contains(enc.serial())) {
                enc = resign(encDraft, encCa, binding, escrow);
            }
            audit.append(AuditEvent.success(actor, "vehicle.enroll", vin,
                    "sign=" + sign.serial() + " enc=" + enc.serial() + (escrow != null ? " escrowed" : "")));
            return new VehicleCredentials(sign, enc, envelope, signCa.chain());
        }));
    }

    @Override
    public IssuedCertificate revoke(String serial, RevocationReason reason, Actor actor) {
        String normalized = SerialNumbers.normalize(serial);
        if (normalized == null) {
            throw PkiException.badRequest("serial must be a hexadecimal certificate serial number");
        }
        RevocationReason why = reason == null ? RevocationReason.UNSPECIFIED : reason;
        if (why == RevocationReason.REMOVE_FROM_CRL) {
            throw PkiException.badRequest("removeFromCRL is not a reason to revoke");
        }
        // Every certificate stored here is an end entity's: a compromised CA or AA is not revoked this way.
        if (why == RevocationReason.CA_COMPROMISE || why == RevocationReason.AA_COMPROMISE) {
            throw PkiException.badRequest(why + " is not a reason to revoke an end-entity certificate");
        }
        IssuedCertificate revoked = audited(actor, "certificate.revoke", normalized,
                () -> transactions.inTransaction(() -> {
                    IssuedCertificate r = store.revoke(normalized, why, AuditChain.truncate(clock.instant()))
                            .orElseThrow(() -> PkiException.notFound("no certificate with serial " + normalized));
                    audit.append(AuditEvent.success(actor, "certificate.revoke", normalized,
                            "reason=" + why + " cn=" + r.commonName()));
                    return r;
                }));
        // Outside the transaction, which may be a caller's (a renewal, the supersede job): publishing a
        // CRL locks the revocation table, and doing that while holding the audit head deadlocks with
        // another revocation that holds the table and waits for the head.
        transactions.afterCommit(() -> afterRevocation.accept(revoked));
        return revoked;
    }

    @Override
    public IssuedCertificate release(String serial, Actor actor) {
        String normalized = SerialNumbers.normalize(serial);
        if (normalized == null) {
            throw PkiException.badRequest("serial must be a hexadecimal certificate serial number");
        }
        IssuedCertificate released = audited(actor, "certificate.release", normalized,
                () -> transactions.inTransaction(() -> {
                    IssuedCertificate r = store.release(normalized)
                            .orElseThrow(() -> PkiException.notFound("no certificate with serial " + normalized));
                    audit.append(AuditEvent.success(actor, "certificate.release", normalized,
                            "released from certificateHold cn=" + r.commonName()));
                    return r;
                }));
        // The same republication as after a revocation: the next full CRL no longer lists it.
        afterRevocation.accept(released);
        return released;
    }

    @Override
    public Optional<IssuedCertificate> find(String serial) {
        String normalized = SerialNumbers.normalize(serial);
        if (normalized == null) {
            throw PkiException.badRequest("serial must be a hexadecimal certificate serial number");
        }
        return store.findBySerial(normalized);
    }

    @Override
    public List<IssuedCertificate> search(CertificateQuery query) {
        return store.search(query);
    }

    @Override
    public List<X509Certificate> chain(String caName) {
        return cas.chainOf(caName);
    }

    private IssuanceDraft draft(CertificateProfile profile, SubjectPublicKeyInfo spki, String cn, List<String> dns,
            IssuingCa ca) {
        IssuanceDraft draft = new IssuanceDraft(profile, spki, cn, dns, clock.instant().minus(BACKDATE),
                ca.certificate().getNotBefore().toInstant(), ca.certificate().getNotAfter().toInstant());
        PolicyRules.applyAll(policy, draft);
        return draft;
    }

    private static SubjectPublicKeyInfo parsePublicKey(byte[] der) {
        if (der.length > 4096) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "public key is larger than 4096 bytes");
        }
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(der);
            KeyAlgorithm.publicKey(spki);
            return spki;
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw PkiException.badRequest("publicKey is not a DER SubjectPublicKeyInfo");
        }
    }

    /**
     * A profile whose certificates speak for the CA: a delegated OCSP signer (EKU OCSPSigning, or
     * id-pkix-ocsp-nocheck) answers for every certificate of its issuer.
     */
    private static boolean isPrivileged(CertificateProfile profile) {
        return profile.usage() == ProfileUsage.OCSP_SIGNING || profile.ocspNoCheck()
                || profile.extendedKeyUsages().contains(ExtendedKeyUsageName.OCSP_SIGNING);
    }

    /**
     * Only an admin issues under a privileged profile, and only for a key proven by a CSR (never a bare
     * public key); a refusal is audited before it is thrown.
     */
    private void requirePrivilegedIssuance(CertificateProfile profile, IssueRequest request, Actor actor) {
        PkiException refusal = null;
        if (!ADMIN_ROLE.equals(actor.role())) {
            refusal = new PkiException(PkiException.Kind.FORBIDDEN,
                    "profile '" + profile.name() + "' issues OCSP signers: it needs the admin role");
        } else if (request.csr() == null) {
            refusal = PkiException.badRequest("profile '" + profile.name()
                    + "' needs a CSR (proof of possession), not a bare public key");
        }
        if (refusal != null) {
            PkiException refused = refusal;
            transactions.inTransaction(() -> {
                audit.append(AuditEvent.failed(actor, "certificate.issue", profile.name(), "refused: "
                        + refused.getMessage()));
                return null;
            });
            throw refused;
        }
    }

    /** Which vehicle or model a certificate belongs to. */
    private record Binding(String vin, String modelCode) {
    }

    private Binding bind(CertificateProfile profile, String cn) {
        switch (profile.usage()) {
            case VEHICLE_SIGNING, VEHICLE_ENCRYPTION -> {
                Vehicle vehicle = vehicles.vehicle(cn)
                        .orElseThrow(() -> PkiException.badRequest("VIN " + cn + " is not registered"));
                if (vehicle.blocked()) {
                    // A blocked VIN gets no certificate on any path until an operator unblocks it.
                    throw PkiException.conflict("VIN " + cn + " is blocked");
                }
                return new Binding(vehicle.vin(), vehicle.modelCode());
            }
            case MODEL_SIGNING, MODEL_ENCRYPTION -> {
                VehicleModel model = vehicles.model(cn)
                        .orElseThrow(() -> PkiException.badRequest("model " + cn + " is not registered"));
                return new Binding(null, model.code());
            }
            default -> {
                return new Binding(null, null);
            }
        }
    }

    /** Stores a signed certificate; on a serial collision signs again under a fresh serial. */
    private IssuedCertificate store(IssuanceDraft draft, IssuingCa ca, Binding binding, SignedCertificate presigned,
            byte[] escrow) {
        IssuedCertificate row = row(draft, ca, binding, presigned);
        return store.insert(row, escrow) ? row : resign(draft, ca, binding, escrow);
    }

    /** Signs again under fresh serials until one is free (the first attempt's serial was taken). */
    private IssuedCertificate resign(IssuanceDraft draft, IssuingCa ca, Binding binding, byte[] escrow) {
        for (int attempt = 1; attempt < SERIAL_ATTEMPTS; attempt++) {
            IssuedCertificate row = row(draft, ca, binding, issuer.sign(draft, ca, serials.next()));
            if (store.insert(row, escrow)) {
                return row;
            }
        }
        throw new PkiException(PkiException.Kind.INTERNAL, "no free serial number after " + SERIAL_ATTEMPTS + " attempts");
    }

    private static IssuedCertificate row(IssuanceDraft draft, IssuingCa ca, Binding binding, SignedCertificate cert) {
        byte[] der = cert.der();
        return new IssuedCertificate(SerialNumbers.toHex(cert.serialNumber()), ca.name(), draft.profile().name(),
                draft.profile().usage(), draft.subject().toString(), draft.commonName(), binding.vin(),
                binding.modelCode(), CertificateStatus.VALID, cert.notBefore(), cert.notAfter(),
                Fingerprints.sm3Hex(der), der, null, null);
    }

    /**
     * Runs an operation; a failure that is not the caller's fault (anything but a 4xx) is recorded as
     * an audit FAILED event in its own transaction, after the operation's transaction rolled back.
     */
    private <T> T audited(Actor actor, String action, String target, Supplier<T> work) {
        try {
            return work.get();
        } catch (PkiException e) {
            if (e.kind() == PkiException.Kind.INTERNAL || e.kind() == PkiException.Kind.UNAVAILABLE) {
                recordFailure(actor, action, target, e);
            }
            throw e;
        } catch (RuntimeException e) {
            recordFailure(actor, action, target, e);
            throw e;
        }
    }

    private void recordFailure(Actor actor, String action, String target, RuntimeException cause) {
        try {
            transactions.inTransaction(() -> {
                audit.append(AuditEvent.failed(actor, action, target, cause.getClass().getSimpleName()));
                return null;
            });
        } catch (RuntimeException auditFailure) {
            cause.addSuppressed(auditFailure);
        }
    }

    /** The current time (for callers that stamp results with the CA's clock). */
    public Instant now() {
        return clock.instant();
    }
}
