package io.gmtls.enrollment.service;

import java.time.Instant;
import java.util.List;

/** Old certificates of renewed vehicles, waiting to be revoked (reason superseded) when their overlap ends (a port). */
public interface SupersededPairs {

    /** One certificate due for revocation. */
    record Due(String serial, String vin, String replacedBy) {
    }

    /** Schedules a certificate (in the caller's transaction); a certificate already scheduled keeps its date. */
    void schedule(String serial, String vin, String replacedBy, Instant dueAt);

    boolean isScheduled(String serial);

    /** Locks up to {@code limit} due certificates for the caller's transaction, skipping those another node holds. */
    List<Due> lockDue(Instant now, int limit);

    void remove(String serial);
}
