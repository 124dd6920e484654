package io.gmtls.enrollment.service;

import io.gmtls.pki.core.InMemoryStores;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link SupersededPairs} in memory, taking part in the CA's in-memory transactions. */
final class InMemorySupersededPairs implements SupersededPairs, InMemoryStores.Snapshotted {

    private record Scheduled(Due due, Instant dueAt) {
    }

    private final InMemoryStores stores;
    private Map<String, Scheduled> scheduled = new LinkedHashMap<>();

    InMemorySupersededPairs(InMemoryStores stores) {
        this.stores = stores;
        stores.enlist(this);
    }

    @Override
    public void schedule(String serial, String vin, String replacedBy, Instant dueAt) {
        stores.locked(() -> scheduled.putIfAbsent(serial, new Scheduled(new Due(serial, vin, replacedBy), dueAt)));
    }

    @Override
    public boolean isScheduled(String serial) {
        return stores.locked(() -> scheduled.containsKey(serial));
    }

    @Override
    public List<Due> lockDue(Instant now, int limit) {
        return stores.locked(() -> scheduled.values().stream().filter(s -> !s.dueAt().isAfter(now))
                .sorted(java.util.Comparator.comparing(Scheduled::dueAt)).limit(limit).map(Scheduled::due).toList());
    }

    @Override
    public void remove(String serial) {
        stores.locked(() -> scheduled.remove(serial));
    }

    @Override
    public Object snapshot() {
        return new LinkedHashMap<>(scheduled);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Object snapshot) {
        scheduled = (Map<String, Scheduled>) snapshot;
    }
}
