package io.gmtls.enrollment.ppv2;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of PPv2 outcomes on this node, and the rate limit of the refusal log lines. */
public final class Ppv2Counters {

    private static final long LOG_WINDOW_NANOS = 1_000_000_000L;
    private static final int LOG_PER_WINDOW = 5;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong loggedInWindow = new AtomicLong();

    /** Connections whose PPv2 header was accepted. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections closed by the PPv2 handler (peer not allowed, no or bad header, timeout). */
    public long rejected() {
        return rejected.get();
    }

    void countAccepted() {
        accepted.incrementAndGet();
    }

    void countRejected() {
        rejected.incrementAndGet();
    }

    /** True for at most a few calls per second. */
    boolean mayLog() {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start > LOG_WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
            loggedInWindow.set(0);
        }
        return loggedInWindow.incrementAndGet() <= LOG_PER_WINDOW;
    }
}
