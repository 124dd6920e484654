package io.gmtls.pki.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The revocation feed's ordered log (a port). Events are appended by the {@link CertificateStore}
 * in the transaction that revokes or releases a certificate; this port reads and prunes them.
 */
public interface RevocationEventLog {

    /** The retained range of sequence numbers. */
    RevocationEvent.Bounds bounds();

    /** Events with {@code seq > after}, in seq order, at most {@code limit}. */
    List<RevocationEvent> after(long after, int limit);

    /**
     * The current head and every certificate revoked and not expired at {@code now}, read in one
     * consistent snapshot (no revocation is in one and not the other).
     */
    RevocationEvent.Snapshot snapshot(Instant now);

    /**
     * Deletes the events of certificates expired before {@code now} that are older than
     * {@code retention}; never the newest event (it carries the head). Returns how many went.
     */
    int prune(Instant now, Duration retention);
}
