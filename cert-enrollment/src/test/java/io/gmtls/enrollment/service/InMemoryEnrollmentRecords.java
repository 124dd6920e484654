package io.gmtls.enrollment.service;

import io.gmtls.pki.core.InMemoryStores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link EnrollmentRecords} in memory, taking part in the CA's in-memory transactions. */
final class InMemoryEnrollmentRecords implements EnrollmentRecords, InMemoryStores.Snapshotted {

    private final InMemoryStores stores;
    private Map<String, Record> records = new LinkedHashMap<>();

    InMemoryEnrollmentRecords(InMemoryStores stores) {
        this.stores = stores;
        stores.enlist(this);
    }

    private static String key(String vin, String csrSm3) {
        return vin + "/" + csrSm3;
    }

    @Override
    public Optional<Record> find(String vin, String csrSm3) {
        return stores.locked(() -> Optional.ofNullable(records.get(key(vin, csrSm3))));
    }

    /** The in-memory transactions run one at a time: the vehicle needs no lock of its own. */
    @Override
    public Optional<String> lockVehicle(String vin) {
        return stores.vehicles.vehicle(vin).map(v -> v.modelCode());
    }

    @Override
    public void insert(Record r) {
        stores.locked(() -> {
            if (records.putIfAbsent(key(r.vin(), r.csrSm3()), r) != null) {
                throw new AlreadyStoredException(r.vin());
            }
            return null;
        });
    }

    List<Record> all() {
        return stores.locked(() -> List.copyOf(records.values()));
    }

    @Override
    public Object snapshot() {
        return new LinkedHashMap<>(records);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Object snapshot) {
        records = (Map<String, Record>) snapshot;
    }
}
