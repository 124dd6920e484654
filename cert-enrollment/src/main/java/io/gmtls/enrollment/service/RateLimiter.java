package io.gmtls.enrollment.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gmtls.enrollment.EnrollmentProperties;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Request limits of this node, in memory: one token bucket per client address and one per credential
 * (certificate serial, or the VIN a token is presented for). Buckets of idle keys are dropped, and at
 * most {@code max-tracked} of each kind are kept (least recently used first out). With N nodes behind
 * the gateways the effective limit is up to N times the configured one.
 */
public final class RateLimiter {

    /** The outcome of one request. */
    public record Verdict(boolean allowed, boolean record, long retryAfterSeconds, String limitedBy) {

        static final Verdict ALLOWED = new Verdict(true, false, 0, null);
    }

    private final EnrollmentProperties.Bucket perAddress;
    private final EnrollmentProperties.Bucket perCredential;
    private final Cache<String, TokenBucket> addresses;
    private final Cache<String, TokenBucket> credentials;
    private final LongSupplier nanoTime;

    public RateLimiter(EnrollmentProperties.Limits limits) {
        this(limits, System::nanoTime);
    }

    RateLimiter(EnrollmentProperties.Limits limits, LongSupplier nanoTime) {
        this.perAddress = limits.perAddress();
        this.perCredential = limits.perCredential();
        this.nanoTime = nanoTime;
        this.addresses = cache(limits.maxTracked(), perAddress);
        this.credentials = cache(limits.maxTracked(), perCredential);
    }

    private static Cache<String, TokenBucket> cache(int max, EnrollmentProperties.Bucket bucket) {
        // A bucket left alone for the time it takes to fill up is full again: forgetting it changes nothing.
        double fillSeconds = bucket.enabled() ? bucket.burst() / bucket.rate() : 1;
        Duration idle = Duration.ofMillis((long) Math.max(60_000, fillSeconds * 1000));
        return Caffeine.newBuilder().maximumSize(max).expireAfterAccess(idle).build();
    }

    /** Takes one permit for the client address. */
    public Verdict address(String address) {
        return take(addresses, perAddress, address, "address");
    }

    /** Takes one permit for a credential key. */
    public Verdict credential(String key) {
        return take(credentials, perCredential, key, "credential");
    }

    private Verdict take(Cache<String, TokenBucket> cache, EnrollmentProperties.Bucket bucket, String key, String kind) {
        if (!bucket.enabled()) {
            return Verdict.ALLOWED;
        }
        TokenBucket.Take take = cache.get(key, k -> new TokenBucket(bucket.rate(), bucket.burst(), nanoTime)).take();
        if (take.allowed()) {
            return Verdict.ALLOWED;
        }
        long seconds = Math.max(1, (take.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
        return new Verdict(false, take.record(), seconds, kind);
    }
}
