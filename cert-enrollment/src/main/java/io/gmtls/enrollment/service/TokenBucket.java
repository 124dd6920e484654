package io.gmtls.enrollment.service;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code rate} permits per second, at most {@code burst} saved up. Thread-safe. It
 * also says which refusals are worth recording: the first one, then at most one a minute while the
 * caller keeps being refused now and then.
 */
final class TokenBucket {

    private static final long RECORD_INTERVAL_NANOS = 60_000_000_000L;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;
    private long lastRecorded;
    private boolean recordedAny;

    TokenBucket(double ratePerSecond, int burst, LongSupplier nanoTime) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    /** The outcome of one attempt. */
    record Take(boolean allowed, boolean record, long retryAfterNanos) {
    }

    synchronized Take take() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return new Take(true, false, 0);
        }
        boolean record = !recordedAny || now - lastRecorded >= RECORD_INTERVAL_NANOS;
        if (record) {
            recordedAny = true;
            lastRecorded = now;
        }
        return new Take(false, record, (long) Math.ceil((1 - tokens) / ratePerNano));
    }
}
