package io.gmtls.proxy.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Logs a kind of event at most once per period, with the count of those left out since the last line:
 * a flood of refused connections makes one line every few seconds, not one per connection.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long periodNanos;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    private static final class State {
        final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    public RateLimitedLog(Logger log, java.time.Duration period) {
        this(log, period, System::nanoTime);
    }

    /** @param nanoClock {@link System#nanoTime} but in tests */
    RateLimitedLog(Logger log, java.time.Duration period, LongSupplier nanoClock) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code message} at WARN unless the same {@code kind} was logged within the period.
     *
     * @param kind    what is rate-limited together, e.g. {@code refused:max_connections}
     * @param message the line (already formatted; no secrets)
     */
    public void warn(String kind, String message) {
        State state = states.computeIfAbsent(kind, k -> new State());
        long now = nanoClock.getAsLong();
        long next = state.nextAt.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && state.nextAt.compareAndSet(next, now + periodNanos)) {
            long left = state.suppressed.getAndSet(0);
            if (left > 0) {
                log.warn("{} ({} more like this since the last report)", message, left);
            } else {
                log.warn("{}", message);
            }
        } else {
            state.suppressed.incrementAndGet();
        }
    }
}
