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
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /**
     * Takes one token even when there is none, down to {@code -burst}: for work found out only after
     * it was admitted (a resumption offer that ended in a full handshake), which then delays what
     * comes next instead of going uncounted.
     */
    synchronized void charge(long nowNanos) {
        if (ratePerNano == 0) {
            return;
        }
        refill(nowNanos);
        tokens = Math.max(-burst, tokens - 1);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            last = nowNanos;
        }
    }
}
