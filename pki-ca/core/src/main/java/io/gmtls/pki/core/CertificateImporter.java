package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.SerialNumbers;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.KeyUsageName;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Takes certificates that one of our issuing CAs signed elsewhere (a CA migration, the certs-dev
 * folder of the demo) into the certificate table, so that authn, OCSP, CRLs and the RA know them as
 * if they had been issued here. The issuing CA's signature is checked; the profile is given or
 * recognised from the certificate (issuer, key, key usage, EKU, CN, SAN); a vehicle certificate needs
 * its VIN registered and a model certificate its model, as for issuance.
 */
public final class CertificateImporter {

    /** The largest certificate accepted (a dev certificate is about 600 bytes). */
    public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;

    /** Preference when several profiles fit (a VIN also matches the model-code pattern). */
    private static final List<ProfileUsage> PREFERENCE = List.of(ProfileUsage.VEHICLE_SIGNING,
            ProfileUsage.VEHICLE_ENCRYPTION, ProfileUsage.MODEL_SIGNING, ProfileUsage.MODEL_ENCRYPTION,
            ProfileUsage.SERVER_SIGNING, ProfileUsage.SERVER_ENCRYPTION, ProfileUsage.SERVER_TLS,
            ProfileUsage.OCSP_SIGNING);

    private final CaDirectory cas;
    private final ProfileCatalog profiles;
    private final CertificateStore store;
    private final VehicleRegistry vehicles;
    private final AuditLog audit;
    private final Transactions transactions;
    private final Clock clock;

    public CertificateImporter(CaDirectory cas, ProfileCatalog profiles, CertificateStore store,
            VehicleRegistry vehicles, AuditLog audit, Transactions transactions, Clock clock) {
        this.cas = Objects.requireNonNull(cas);
        this.profiles = Objects.requireNonNull(profiles);
        this.store = Objects.requireNonNull(store);
        this.vehicles = Objects.requireNonNull(vehicles);
        this.audit = Objects.requireNonNull(audit);
        this.transactions = Objects.requireNonNull(transactions);
        this.clock = Objects.requireNonNull(clock);
    }

    /** How a certificate entered revoked: the reason and date of its CRL entry. */
    public record Revocation(RevocationReason reason, Instant at) {
        public Revocation {
            Objects.requireNonNull(reason);
            Objects.requireNonNull(at);
        }
    }

    /**
     * One certificate to import.
     *
     * @param source      where it came from (a file name), for the audit log and messages
     * @param certificate the certificate
     * @param profile     the profile to store it under, or null to recognise it
     * @param revocation  its revocation, or null when it is valid
     */
    public record Entry(String source, X509Certificate certificate, String profile, Revocation revocation) {
        public Entry {
            Objects.requireNonNull(source);
            Objects.requireNonNull(certificate);
        }
    }

    /**
     * What to import in one transaction: a model to register if absent, VINs to register to it if
     * absent, and certificates.
     */
    public record Batch(VehicleModel model, List<String> vins, List<Entry> entries) {
        public Batch {
            vins = List.copyOf(vins);
            entries = List.copyOf(entries);
            if (model == null && !vins.isEmpty()) {
                throw new IllegalArgumentException("VINs need a model to be registered to");
            }
        }
    }

    /**
     * What an import did.
     *
     * @param modelAdded    the model was registered now
     * @param vehiclesAdded VINs registered now
     * @param imported      certificates stored now (valid or revoked)
     * @param revoked       of which revoked
     * @param known         certificates that were already stored (unchanged)
     * @param skipped       certificates not signed by any issuing CA here (source names)
     */
    public record Summary(boolean modelAdded, int vehiclesAdded, int imported, int revoked, int known,
            List<String> skipped) {
        public Summary {
            skipped = List.copyOf(skipped);
        }

        /** True when the import changed nothing. */
        public boolean unchanged() {
            return !modelAdded && vehiclesAdded == 0 && imported == 0;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One certificate (admin API)

    /** Parses a DER certificate as hostile input (bounded, BouncyCastle's parser). */
    public static X509Certificate parse(byte[] der) {
        if (der == null || der.length == 0) {
            throw PkiException.badRequest("certificate is missing");
        }
        if (der.length > MAX_CERTIFICATE_BYTES) {
            throw new PkiException(PkiException.Kind.TOO_LARGE,
                    "certificate is larger than " + MAX_CERTIFICATE_BYTES + " bytes");
        }
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                    .generateCertificate(new ByteArrayInputStream(der));
            if (cert == null || !Arrays.equals(cert.getEncoded(), der)) {
                throw PkiException.badRequest("certificate is not one DER X.509 certificate");
            }
            return cert;
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw PkiException.badRequest("certificate is not an X.509 certificate");
        }
    }

    /**
     * Imports one certificate issued by one of our issuing CAs; a 409 when it is already stored, a 400
     * when no issuing CA here signed it, it fits no (or not the given) profile, or its VIN or model is
     * not registered.
     */
    public IssuedCertificate importCertificate(X509Certificate certificate, String profileName, Actor actor) {
        IssuingCa ca = issuerOf(certificate).orElseThrow(() -> PkiException.badRequest(
                "certificate is not signed by an issuing CA of this service"));
        CertificateProfile profile = profileFor(certificate, ca, profileName, "certificate");
        String serial = SerialNumbers.toHex(certificate.getSerialNumber());
        return transactions.inTransaction(() -> {
            if (store.findBySerial(serial).isPresent()) {
                throw PkiException.conflict("certificate " + serial + " is already known");
            }
            IssuedCertificate stored = store(certificate, ca, profile, null, "api");
            audit.append(AuditEvent.success(actor, "certificate.import", serial, detail(stored, "api", null)));
            return stored;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // A batch (bootstrap from a certs-dev folder)

    /**
     * Imports a batch in one transaction with one audit event per change. Certificates already stored
     * (same serial and fingerprint) and registrations that exist are left as they are, so importing
     * the same batch again changes nothing; a stored certificate with the same serial but other bytes
     * fails the whole batch. Certificates no issuing CA here signed are skipped and listed.
     */
    public Summary importAll(Batch batch, Actor actor) {
        record Resolved(Entry entry, IssuingCa ca, CertificateProfile profile, String serial, String fingerprint) {
        }
        List<Resolved> resolved = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<String> serials = new HashSet<>();
        for (Entry e : batch.entries()) {
            Optional<IssuingCa> ca = issuerOf(e.certificate());
            if (ca.isEmpty()) {
                skipped.add(e.source());
                continue;
            }
            CertificateProfile profile = profileFor(e.certificate(), ca.get(), e.profile(), e.source());
            String serial = SerialNumbers.toHex(e.certificate().getSerialNumber());
            if (!serials.add(serial)) {
                throw PkiException.conflict(e.source() + ": serial " + serial + " appears twice in the import");
            }
            resolved.add(new Resolved(e, ca.get(), profile, serial, Fingerprints.sm3Hex(der(e.certificate()))));
        }
        return transactions.inTransaction(() -> {
            boolean modelAdded = false;
            int vehiclesAdded = 0;
            if (batch.model() != null && vehicles.model(batch.model().code()).isEmpty()) {
                vehicles.addModel(batch.model());
                audit.append(AuditEvent.success(actor, "model.register", batch.model().code(),
                        "perModelAllowed=" + batch.model().perModelAllowed() + " enrollmentAllowed="
                                + batch.model().enrollmentAllowed() + " (import)"));
                modelAdded = true;
            }
            List<Vehicle> absent = new ArrayList<>();
            for (String vin : new LinkedHashSet<>(batch.vins())) {
                if (vehicles.vehicle(vin).isEmpty()) {
                    absent.add(new Vehicle(vin, batch.model().code()));
                }
            }
            if (!absent.isEmpty()) {
                vehiclesAdded = vehicles.addVehicles(absent);
                audit.append(AuditEvent.success(actor, "vehicle.register",
                        absent.size() == 1 ? absent.get(0).vin() : absent.size() + " vehicles",
                        "models=[" + batch.model().code() + "] (import)"));
            }
            int imported = 0;
            int revoked = 0;
            int known = 0;
            for (Resolved r : resolved) {
                Optional<IssuedCertificate> existing = store.findBySerial(r.serial());
                if (existing.isPresent()) {
                    if (!existing.get().fingerprint().equals(r.fingerprint())) {
                        throw PkiException.conflict(r.entry().source() + ": another certificate with serial "
                                + r.serial() + " is already stored");
                    }
                    known++;
                    continue;
                }
                IssuedCertificate stored = store(r.entry().certificate(), r.ca(), r.profile(), r.entry().revocation(),
                        r.entry().source());
                audit.append(AuditEvent.success(actor, "certificate.import", r.serial(),
                        detail(stored, r.entry().source(), r.entry().revocation())));
                imported++;
                if (r.entry().revocation() != null) {
                    revoked++;
                }
            }
            return new Summary(modelAdded, vehiclesAdded, imported, revoked, known, skipped);
        });
    }

    // ---------------------------------------------------------------------------------------------

    /** The issuing CA here whose key verifies the certificate's signature. */
    public Optional<IssuingCa> issuerOf(X509Certificate certificate) {
        for (IssuingCa ca : cas.issuingCas()) {
            if (!ca.certificate().getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            try {
                certificate.verify(ca.certificate().getPublicKey(), GmCrypto.provider());
                return Optional.of(ca);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Same name, other key (a re-keyed or foreign CA): try the next one.
            }
        }
        return Optional.empty();
    }

    private CertificateProfile profileFor(X509Certificate cert, IssuingCa ca, String profileName, String source) {
        if (cert.getBasicConstraints() >= 0) {
            throw PkiException.badRequest(source + ": a CA certificate is not an end-entity certificate");
        }
        Facts facts = Facts.of(cert);
        if (profileName != null && !profileName.isBlank()) {
            CertificateProfile profile = profiles.require(profileName);
            if (!profile.issuer().equals(ca.name())) {
                throw PkiException.badRequest(source + ": profile " + profile.name() + " is issued by "
                        + profile.issuer() + ", the certificate by " + ca.name());
            }
            String misfit = misfit(profile, facts, false);
            if (misfit != null) {
                throw PkiException.badRequest(source + ": the certificate does not fit profile " + profile.name()
                        + ": " + misfit);
            }
            return profile;
        }
        return profiles.all().stream()
                .filter(p -> p.issuer().equals(ca.name()) && misfit(p, facts, true) == null)
                .min(Comparator.comparingInt((CertificateProfile p) -> rank(p, facts)).thenComparing(CertificateProfile::name))
                .orElseThrow(() -> PkiException.badRequest(source + ": the certificate fits no profile of CA "
                        + ca.name() + "; name one"));
    }

    private static int rank(CertificateProfile p, Facts facts) {
        int r = PREFERENCE.indexOf(p.usage());
        boolean server = p.usage() == ProfileUsage.SERVER_SIGNING || p.usage() == ProfileUsage.SERVER_ENCRYPTION
                || p.usage() == ProfileUsage.SERVER_TLS;
        // A certificate with DNS names is a server's, even when its CN also looks like a model code.
        return facts.dnsNames().isEmpty() || server ? r : r + PREFERENCE.size();
    }

    /** Why the certificate does not fit the profile, or null. Recognition asks for exact usages. */
    private static String misfit(CertificateProfile p, Facts facts, boolean exact) {
        if (!p.keyAlgorithms().contains(facts.keyAlgorithm())) {
            return "its key is " + facts.keyAlgorithm();
        }
        if (facts.commonName() == null || !p.commonNamePattern().matcher(facts.commonName()).matches()) {
            return "its CN does not match the pattern " + p.commonNamePattern().pattern();
        }
        if (p.requireDnsSan() && facts.dnsNames().isEmpty()) {
            return "it has no DNS subjectAltName";
        }
        if (exact) {
            if (facts.extendedKeyUsages() == null) {
                return "an extended key usage no profile names";
            }
            if (!facts.keyUsages().equals(p.keyUsages())) {
                return "key usage " + facts.keyUsages();
            }
            if (!facts.extendedKeyUsages().equals(p.extendedKeyUsages()) && !legacyWithoutEku(p, facts)) {
                return "extended key usage " + facts.extendedKeyUsages();
            }
        } else if (facts.keyUsages().stream().noneMatch(p.keyUsages()::contains)) {
            return "its key usage " + facts.keyUsages() + " has none of " + p.keyUsages();
        }
        return null;
    }

    /**
     * A TLCP or TLS peer certificate issued before the profiles named the role (serverAuth or
     * clientAuth) carries no EKU at all: it still fits the profile whose EKU is only that role.
     */
    private static boolean legacyWithoutEku(CertificateProfile p, Facts facts) {
        return facts.extendedKeyUsages().isEmpty() && p.usage() != ProfileUsage.OCSP_SIGNING
                && (p.extendedKeyUsages().equals(Set.of(ExtendedKeyUsageName.SERVER_AUTH))
                        || p.extendedKeyUsages().equals(Set.of(ExtendedKeyUsageName.CLIENT_AUTH)));
    }

    /** What the profile checks look at, read once. */
    private record Facts(KeyAlgorithm keyAlgorithm, String commonName, List<String> dnsNames,
            Set<KeyUsageName> keyUsages, Set<ExtendedKeyUsageName> extendedKeyUsages, X500Name subject) {

        static Facts of(X509Certificate cert) {
            try {
                X509CertificateHolder holder = new X509CertificateHolder(cert.getEncoded());
                SubjectPublicKeyInfo spki = holder.getSubjectPublicKeyInfo();
                String cn;
                try {
                    cn = CertificateRequests.commonName(holder.getSubject());
                } catch (PkiException e) {
                    cn = null;
                }
                List<String> dns = new ArrayList<>();
                GeneralNames san = GeneralNames.fromExtensions(holder.getExtensions(), Extension.subjectAlternativeName);
                if (san != null) {
                    for (GeneralName n : san.getNames()) {
                        if (n.getTagNo() == GeneralName.dNSName) {
                            dns.add(n.getName().toString());
                        }
                    }
                }
                Set<KeyUsageName> usages = EnumSet.noneOf(KeyUsageName.class);
                KeyUsage ku = KeyUsage.fromExtensions(holder.getExtensions());
                if (ku != null) {
                    for (KeyUsageName n : KeyUsageName.values()) {
                        if (ku.hasUsages(n.bit())) {
                            usages.add(n);
                        }
                    }
                }
                Set<ExtendedKeyUsageName> ekus = EnumSet.noneOf(ExtendedKeyUsageName.class);
                ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(holder.getExtensions());
                if (eku != null) {
                    for (ExtendedKeyUsageName n : ExtendedKeyUsageName.values()) {
                        if (eku.hasKeyPurposeId(n.id())) {
                            ekus.add(n);
                        }
                    }
                    for (KeyPurposeId id : eku.getUsages()) {
                        if (Arrays.stream(ExtendedKeyUsageName.values()).noneMatch(n -> n.id().equals(id))) {
                            // A purpose no profile names: recognition never matches it.
                            return new Facts(KeyAlgorithm.of(spki), cn, dns, usages, null, holder.getSubject());
                        }
                    }
                }
                return new Facts(KeyAlgorithm.of(spki), cn, List.copyOf(dns), Set.copyOf(usages), Set.copyOf(ekus),
                        holder.getSubject());
            } catch (java.io.IOException | CertificateEncodingException | IllegalArgumentException e) {
                throw PkiException.badRequest("certificate extensions are malformed");
            }
        }
    }

    private IssuedCertificate store(X509Certificate cert, IssuingCa ca, CertificateProfile profile,
            Revocation revocation, String source) {
        Facts facts = Facts.of(cert);
        String vin = null;
        String model = null;
        switch (profile.usage()) {
            case VEHICLE_SIGNING, VEHICLE_ENCRYPTION -> {
                Vehicle v = vehicles.vehicle(facts.commonName()).orElseThrow(() -> PkiException.badRequest(
                        source + ": VIN " + facts.commonName() + " is not registered"));
                vin = v.vin();
                model = v.modelCode();
            }
            case MODEL_SIGNING, MODEL_ENCRYPTION -> model = vehicles.model(facts.commonName())
                    .orElseThrow(() -> PkiException.badRequest(source + ": model " + facts.commonName()
                            + " is not registered"))
                    .code();
            default -> {
            }
        }
        byte[] der = der(cert);
        String serial = SerialNumbers.toHex(cert.getSerialNumber());
        if (!cert.getNotAfter().after(cert.getNotBefore())) {
            throw PkiException.badRequest(source + ": notAfter is not after notBefore");
        }
        IssuedCertificate row = new IssuedCertificate(serial, ca.name(), profile.name(), profile.usage(),
                facts.subject().toString(), facts.commonName(), vin, model, CertificateStatus.VALID,
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), Fingerprints.sm3Hex(der), der, null,
                null);
        if (!store.insert(row, null)) {
            throw PkiException.conflict("certificate " + serial + " is already known");
        }
        if (revocation == null) {
            return row;
        }
        Instant at = AuditChain.truncate(revocation.at().isAfter(clock.instant()) ? clock.instant() : revocation.at());
        return store.revoke(serial, revocation.reason(), at).orElseThrow();
    }

    private static String detail(IssuedCertificate c, String source, Revocation revocation) {
        return "profile=" + c.profile() + " cn=" + c.commonName() + " ca=" + c.caName() + " from=" + source
                + (revocation == null ? "" : " revoked=" + revocation.reason());
    }

    private static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw PkiException.badRequest("certificate cannot be encoded");
        }
    }
}
