package io.gmtls.pki.core;

import io.gmtls.pki.core.AuditChain.Verification;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Every storage port of the CA core held in memory, for fast tests without PostgreSQL. The same
 * contract as the JDBC adapters where the core relies on it: a transaction is all or nothing (a
 * throw restores every store as it was, {@link Transactions#afterCommit} tasks run after the
 * outermost commit only), transactions are serialised as the audit head lock serialises them, a
 * taken serial is refused, a second revocation and a release of a certificate not on hold are 409s,
 * the audit log is the same SM3 chain.
 */
public final class InMemoryStores {

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;

    public final Certificates certificates = new Certificates();
    public final Vehicles vehicles = new Vehicles();
    public final Audit audit = new Audit();
    public final Cas cas = new Cas();
    public final Crls crls = new Crls();
    public final Tokens enrollment = new Tokens();
    public final Authn authn = new Authn();
    public final Events revocationEvents = new Events();
    public final Tx transactions = new Tx();

    public InMemoryStores(Clock clock) {
        this.clock = clock;
    }

    /**
     * State of one store, copied at the start of a transaction and put back when it rolls back. Other
     * modules' in-memory stores {@link #enlist} to take part in the same transactions.
     */
    public interface Snapshotted {
        Object snapshot();

        void restore(Object snapshot);
    }

    private final List<Snapshotted> enlisted = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Makes {@code store} part of every transaction here (all or nothing with the CA's stores). */
    public void enlist(Snapshotted store) {
        enlisted.add(store);
    }

    /** Runs {@code work} under the lock every store and transaction here takes (for enlisted stores). */
    public <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private List<Snapshotted> all() {
        List<Snapshotted> all = new ArrayList<>(List.of(certificates, vehicles, audit, cas, crls, enrollment));
        all.addAll(enlisted);
        return all;
    }

    /** {@link Transactions}: all or nothing, one at a time. */
    public final class Tx implements Transactions {

        private int depth;
        private List<Runnable> afterCommit = new ArrayList<>();

        @Override
        public <T> T inTransaction(Supplier<T> work) {
            lock.lock();
            boolean outermost = depth == 0;
            List<Object> before = outermost ? all().stream().map(Snapshotted::snapshot).toList() : null;
            depth++;
            T result;
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                depth--;
                if (outermost) {
                    List<Snapshotted> stores = all();
                    for (int i = 0; i < stores.size(); i++) {
                        stores.get(i).restore(before.get(i));
                    }
                    afterCommit = new ArrayList<>();
                }
                lock.unlock();
                throw e;
            }
            depth--;
            List<Runnable> tasks = List.of();
            if (outermost) {
                tasks = afterCommit;
                afterCommit = new ArrayList<>();
            }
            lock.unlock();
            // After the commit and outside the lock, as the JDBC adapter runs them.
            tasks.forEach(Runnable::run);
            return result;
        }

        @Override
        public void afterCommit(Runnable task) {
            // depth is above 0 only while the thread that holds the lock is in a transaction.
            if (active()) {
                afterCommit.add(task);
            } else {
                task.run();
            }
        }

        /** True while the calling thread is inside a transaction. */
        public boolean active() {
            return lock.isHeldByCurrentThread() && depth > 0;
        }
    }

    private record StoredCertificate(long id, IssuedCertificate certificate, byte[] escrowedKey) {
    }

    private record Revocation(long id, String serial, String caName, RevocationReason reason, Instant at) {
    }

    private record CertificateState(Map<String, StoredCertificate> bySerial, List<Revocation> revocations,
            long nextId, long nextRevocationId, List<RevocationEvent> events) {
    }

    /** {@link CertificateStore}. */
    public final class Certificates implements CertificateStore, Snapshotted {

        private Map<String, StoredCertificate> bySerial = new LinkedHashMap<>();
        private List<Revocation> revocations = new ArrayList<>();
        private long nextId = 1;
        private long nextRevocationId = 1;
        /** The revocation feed's log; seq is the list's order (one transaction at a time here). */
        private List<RevocationEvent> events = new ArrayList<>();
        /** Never rolled back, as a PostgreSQL sequence. */
        private long nextSeq = 1;

        private void appendEvent(RevocationEvent.Kind kind, IssuedCertificate c, RevocationReason reason, Instant at) {
            events.add(new RevocationEvent(nextSeq++, kind, c.serial(), RevocationEvent.issuerOf(c.der()), reason, at,
                    c.notAfter()));
        }

        @Override
        public boolean insert(IssuedCertificate certificate, byte[] escrowedKey) {
            return locked(() -> {
                if (bySerial.containsKey(certificate.serial())) {
                    return false;
                }
                bySerial.put(certificate.serial(), new StoredCertificate(nextId++, certificate,
                        escrowedKey == null ? null : escrowedKey.clone()));
                return true;
            });
        }

        @Override
        public Optional<IssuedCertificate> findBySerial(String serial) {
            return locked(() -> Optional.ofNullable(bySerial.get(serial)).map(StoredCertificate::certificate));
        }

        @Override
        public List<IssuedCertificate> search(CertificateQuery q) {
            return locked(() -> bySerial.values().stream()
                    .sorted(Comparator.comparingLong(StoredCertificate::id).reversed())
                    .map(StoredCertificate::certificate)
                    .filter(c -> q.vin() == null || q.vin().equals(c.vin()))
                    .filter(c -> q.commonName() == null || q.commonName().equals(c.commonName()))
                    .filter(c -> q.serial() == null || q.serial().equals(c.serial()))
                    .filter(c -> q.status() == null || q.status() == c.status())
                    .filter(c -> q.profile() == null || q.profile().equals(c.profile()))
                    .limit(q.limit())
                    .toList());
        }

        @Override
        public Optional<IssuedCertificate> revoke(String serial, RevocationReason reason, Instant at) {
            return locked(() -> {
                StoredCertificate row = bySerial.get(serial);
                if (row == null) {
                    return Optional.empty();
                }
                if (row.certificate().status() == CertificateStatus.REVOKED) {
                    throw PkiException.conflict("certificate " + serial + " is already revoked");
                }
                revocations.add(new Revocation(nextRevocationId++, serial, row.certificate().caName(), reason, at));
                IssuedCertificate revoked = row.certificate().revoked(at, reason);
                bySerial.put(serial, new StoredCertificate(row.id(), revoked, row.escrowedKey()));
                appendEvent(RevocationEvent.Kind.REVOKED, revoked, reason, at);
                return Optional.of(revoked);
            });
        }

        @Override
        public Optional<IssuedCertificate> release(String serial) {
            return locked(() -> {
                StoredCertificate row = bySerial.get(serial);
                if (row == null) {
                    return Optional.empty();
                }
                IssuedCertificate c = row.certificate();
                if (c.status() != CertificateStatus.REVOKED || c.revocationReason() != RevocationReason.CERTIFICATE_HOLD) {
                    throw PkiException.conflict("certificate " + serial + " is not on hold (certificateHold)");
                }
                revocations.removeIf(r -> r.serial().equals(serial));
                IssuedCertificate valid = new IssuedCertificate(c.serial(), c.caName(), c.profile(), c.usage(),
                        c.subject(), c.commonName(), c.vin(), c.modelCode(), CertificateStatus.VALID, c.notBefore(),
                        c.notAfter(), c.fingerprint(), c.der(), null, null);
                bySerial.put(serial, new StoredCertificate(row.id(), valid, row.escrowedKey()));
                appendEvent(RevocationEvent.Kind.UNREVOKED, valid, null, clock.instant());
                return Optional.of(valid);
            });
        }

        @Override
        public List<RevokedEntry> revocationsForCrl(String caName, long afterRevocationId) {
            return locked(() -> revocations.stream()
                    .filter(r -> r.caName().equals(caName) && r.id() > afterRevocationId)
                    .map(r -> new RevokedEntry(r.id(), r.serial(), r.at(), r.reason()))
                    .toList());
        }

        @Override
        public Optional<byte[]> escrowedKey(String serial) {
            return locked(() -> Optional.ofNullable(bySerial.get(serial)).map(StoredCertificate::escrowedKey)
                    .map(byte[]::clone));
        }

        /** Every stored certificate, oldest first. */
        public List<IssuedCertificate> all() {
            return locked(() -> bySerial.values().stream().map(StoredCertificate::certificate).toList());
        }

        @Override
        public Object snapshot() {
            return new CertificateState(new LinkedHashMap<>(bySerial), new ArrayList<>(revocations), nextId,
                    nextRevocationId, new ArrayList<>(events));
        }

        @Override
        public void restore(Object snapshot) {
            CertificateState s = (CertificateState) snapshot;
            bySerial = s.bySerial();
            revocations = s.revocations();
            nextId = s.nextId();
            nextRevocationId = s.nextRevocationId();
            events = s.events();
        }
    }

    /** {@link RevocationEventLog} over the events {@link Certificates} appends. */
    public final class Events implements RevocationEventLog {

        @Override
        public RevocationEvent.Bounds bounds() {
            return locked(() -> {
                List<RevocationEvent> events = certificates.events;
                long head = events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
                return new RevocationEvent.Bounds(events.isEmpty() ? head + 1 : events.get(0).seq(), head);
            });
        }

        @Override
        public List<RevocationEvent> after(long after, int limit) {
            return locked(() -> certificates.events.stream().filter(e -> e.seq() > after).limit(limit).toList());
        }

        @Override
        public RevocationEvent.Snapshot snapshot(Instant now) {
            return locked(() -> new RevocationEvent.Snapshot(bounds().head(), certificates.revocations.stream()
                    .map(r -> certificates.bySerial.get(r.serial()).certificate())
                    .filter(c -> c.notAfter().isAfter(now))
                    .map(c -> new RevocationEvent.Revoked(c.serial(), RevocationEvent.issuerOf(c.der()),
                            c.revocationReason(), c.revokedAt(), c.notAfter()))
                    .toList()));
        }

        @Override
        public int prune(Instant now, java.time.Duration retention) {
            return locked(() -> {
                List<RevocationEvent> events = certificates.events;
                if (events.isEmpty()) {
                    return 0;
                }
                long head = events.get(events.size() - 1).seq();
                int before = events.size();
                events.removeIf(e -> e.seq() < head && e.notAfter().isBefore(now)
                        && e.time().isBefore(now.minus(retention)));
                return before - events.size();
            });
        }
    }

    private record VehicleState(Map<String, VehicleModel> models, Map<String, Vehicle> vehicles) {
    }

    /** {@link VehicleRegistry}. */
    public final class Vehicles implements VehicleRegistry, Snapshotted {

        private Map<String, VehicleModel> models = new LinkedHashMap<>();
        private Map<String, Vehicle> vehicles = new LinkedHashMap<>();

        @Override
        public Optional<VehicleModel> model(String code) {
            return locked(() -> Optional.ofNullable(models.get(code)));
        }

        @Override
        public List<VehicleModel> models() {
            return locked(() -> List.copyOf(models.values()));
        }

        @Override
        public void addModel(VehicleModel model) {
            locked(() -> {
                if (models.putIfAbsent(model.code(), model) != null) {
                    throw PkiException.conflict("model " + model.code() + " is already registered");
                }
                return null;
            });
        }

        @Override
        public void setPerModelAllowed(String code, boolean allowed) {
            locked(() -> models.computeIfPresent(code,
                    (k, m) -> new VehicleModel(m.code(), m.name(), allowed, m.enrollmentAllowed())));
        }

        @Override
        public void setEnrollmentAllowed(String code, boolean allowed) {
            locked(() -> models.computeIfPresent(code,
                    (k, m) -> new VehicleModel(m.code(), m.name(), m.perModelAllowed(), allowed)));
        }

        @Override
        public Optional<Vehicle> vehicle(String vin) {
            return locked(() -> Optional.ofNullable(vehicles.get(vin)));
        }

        @Override
        public boolean setBlocked(String vin, boolean blocked, java.time.Instant at) {
            return locked(() -> vehicles.computeIfPresent(vin, (k, v) -> new Vehicle(v.vin(), v.modelCode(), blocked,
                    blocked ? v.unblockedAt() : at)) != null);
        }

        @Override
        public int addVehicles(List<Vehicle> added) {
            return locked(() -> {
                Optional<String> existing = added.stream().map(Vehicle::vin).filter(vehicles::containsKey).sorted()
                        .findFirst();
                if (existing.isPresent()) {
                    throw PkiException.conflict("VIN " + existing.get() + " is already registered");
                }
                for (Vehicle v : added) {
                    // The vehicle table's foreign key to its model.
                    if (!models.containsKey(v.modelCode())) {
                        throw new IllegalStateException("no model " + v.modelCode() + " for VIN " + v.vin());
                    }
                }
                added.forEach(v -> vehicles.put(v.vin(), v));
                return added.size();
            });
        }

        @Override
        public Object snapshot() {
            return new VehicleState(new LinkedHashMap<>(models), new LinkedHashMap<>(vehicles));
        }

        @Override
        public void restore(Object snapshot) {
            VehicleState s = (VehicleState) snapshot;
            models = s.models();
            vehicles = s.vehicles();
        }
    }

    /** {@link AuditLog}: the same SM3 chain as the database's. */
    public final class Audit implements AuditLog, Snapshotted {

        private List<StoredAuditEvent> events = new ArrayList<>();

        @Override
        public void append(AuditEvent e) {
            locked(() -> {
                long seq = events.size() + 1L;
                String previous = events.isEmpty() ? AuditChain.GENESIS : events.get(events.size() - 1).hash();
                Instant at = AuditChain.truncate(clock.instant());
                String hash = AuditChain.hash(previous, seq, at, e.actor().name(), e.actor().role(), e.action(),
                        e.target(), e.outcome(), e.detail());
                events.add(new StoredAuditEvent(seq, at, e.actor().name(), e.actor().role(), e.action(), e.target(),
                        e.outcome(), e.detail(), previous, hash));
                return null;
            });
        }

        @Override
        public Verification verify() {
            return locked(() -> AuditChain.verify(List.copyOf(events),
                    events.isEmpty() ? AuditChain.GENESIS : events.get(events.size() - 1).hash(), events.size()));
        }

        /** Every event, oldest first. */
        public List<StoredAuditEvent> events() {
            return locked(() -> List.copyOf(events));
        }

        /** The actions of every event, oldest first. */
        public List<String> actions() {
            return events().stream().map(StoredAuditEvent::action).toList();
        }

        @Override
        public Object snapshot() {
            return new ArrayList<>(events);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void restore(Object snapshot) {
            events = (List<StoredAuditEvent>) snapshot;
        }
    }

    private record CaState(Map<String, CaRecord> cas, Map<String, Long> crlNumbers,
            Map<String, CaRepository.OcspSignerRecord> signers) {
    }

    /** {@link CaRepository}. */
    public final class Cas implements CaRepository, Snapshotted {

        private Map<String, CaRecord> records = new LinkedHashMap<>();
        private Map<String, Long> crlNumbers = new HashMap<>();
        private Map<String, OcspSignerRecord> signers = new HashMap<>();

        @Override
        public List<CaRecord> all() {
            return locked(() -> List.copyOf(records.values()));
        }

        @Override
        public void insert(CaRecord ca) {
            locked(() -> {
                if (records.putIfAbsent(ca.name(), ca) != null) {
                    throw new IllegalStateException("CA " + ca.name() + " exists");
                }
                return null;
            });
        }

        @Override
        public long nextCrlNumber(String caName) {
            return locked(() -> crlNumbers.merge(caName, 1L, Long::sum));
        }

        @Override
        public Optional<OcspSignerRecord> ocspSigner(String caName) {
            return locked(() -> Optional.ofNullable(signers.get(caName)));
        }

        @Override
        public void saveOcspSigner(OcspSignerRecord signer) {
            locked(() -> signers.put(signer.caName(), signer));
        }

        @Override
        public Object snapshot() {
            return new CaState(new LinkedHashMap<>(records), new HashMap<>(crlNumbers), new HashMap<>(signers));
        }

        @Override
        public void restore(Object snapshot) {
            CaState s = (CaState) snapshot;
            records = s.cas();
            crlNumbers = s.crlNumbers();
            signers = s.signers();
        }
    }

    /** {@link CrlStore}. */
    public final class Crls implements CrlStore, Snapshotted {

        private List<StoredCrl> saved = new ArrayList<>();

        @Override
        public void save(StoredCrl crl) {
            locked(() -> saved.add(crl));
        }

        @Override
        public Optional<StoredCrl> latest(String caName, boolean delta) {
            return locked(() -> saved.stream().filter(c -> c.caName().equals(caName) && c.delta() == delta)
                    .max(Comparator.comparingLong(StoredCrl::number)));
        }

        /** Every CRL saved, in order. */
        public List<StoredCrl> all() {
            return locked(() -> List.copyOf(saved));
        }

        @Override
        public Object snapshot() {
            return new ArrayList<>(saved);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void restore(Object snapshot) {
            saved = (List<StoredCrl>) snapshot;
        }
    }

    /** {@link EnrollmentCredentialStore}. */
    public final class Tokens implements EnrollmentCredentialStore, Snapshotted {

        private Map<String, StoredToken> tokens = new HashMap<>();

        @Override
        public void insert(String tokenHash, String vin, Instant expiresAt) {
            locked(() -> {
                if (tokens.putIfAbsent(tokenHash, new StoredToken(vin, expiresAt, null)) != null) {
                    throw new IllegalStateException("token hash exists");
                }
                return null;
            });
        }

        @Override
        public Optional<StoredToken> find(String tokenHash) {
            return locked(() -> Optional.ofNullable(tokens.get(tokenHash)));
        }

        @Override
        public Optional<String> consume(String tokenHash, Instant now) {
            return locked(() -> {
                StoredToken t = tokens.get(tokenHash);
                if (t == null || t.usedAt() != null || !t.expiresAt().isAfter(now)) {
                    return Optional.empty();
                }
                tokens.put(tokenHash, new StoredToken(t.vin(), t.expiresAt(), now));
                return Optional.of(t.vin());
            });
        }

        @Override
        public Object snapshot() {
            return new HashMap<>(tokens);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void restore(Object snapshot) {
            tokens = (Map<String, StoredToken>) snapshot;
        }
    }

    /** {@link AuthnDirectory} over the certificates and vehicles here. */
    public final class Authn implements AuthnDirectory {

        /** As the JDBC adapter: the newest client-identity certificates of a CN looked at. */
        static final int MAX_CANDIDATES = 20;

        @Override
        public Lookup bySerial(String serial, String commonName, String clientId, java.time.Instant now) {
            return locked(() -> new Lookup(certificates.findBySerial(serial).stream().toList(),
                    vehicles.vehicle(clientId), vehicles.model(commonName),
                    Vehicle.VehicleCertificates.of(clientId, certificates.all(), now)));
        }

        @Override
        public Lookup byCommonName(String commonName, String clientId, java.time.Instant now) {
            return locked(() -> {
                List<IssuedCertificate> all = new ArrayList<>(certificates.all());
                java.util.Collections.reverse(all);
                List<IssuedCertificate> found = all.stream()
                        .filter(c -> commonName.equals(c.commonName()))
                        .filter(c -> c.usage() == ProfileUsage.VEHICLE_SIGNING || c.usage() == ProfileUsage.MODEL_SIGNING)
                        .limit(MAX_CANDIDATES)
                        .toList();
                return new Lookup(found, vehicles.vehicle(clientId), vehicles.model(commonName),
                        Vehicle.VehicleCertificates.of(clientId, certificates.all(), now));
            });
        }

        @Override
        public Optional<Vehicle> vehicle(String vin) {
            return vehicles.vehicle(vin);
        }
    }
}
