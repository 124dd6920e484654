package io.gmtls.proxy.listener;

/**
 * Accept-rate limiter: {@code rate} tokens per second up to {@code burst}; each accepted connection
 * takes one. A rate of 0 means unlimited. Thread-safe (accepts of one listener come from its event
 * loop, but a reload may change the rate from another thread).
 */
final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
        if (ratePerNano == 0) {
            return true;
        }
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
