package io.gmtls.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.EnrollmentProperties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double rate, int burst) {
        EnrollmentProperties.Bucket bucket = new EnrollmentProperties.Bucket(rate, burst);
        return new RateLimiter(new EnrollmentProperties.Limits(bucket, bucket, 1000), now::get);
    }

    @Test
    void burstThenRefusalThenRefillAtTheRate() {
        RateLimiter limiter = limiter(2, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.address("10.0.0.1").allowed()).isTrue();
        }
        RateLimiter.Verdict refused = limiter.address("10.0.0.1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.limitedBy()).isEqualTo("address");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        // Half a second later at 2/s: one more permit.
        now.addAndGet(500_000_000L);
        assertThat(limiter.address("10.0.0.1").allowed()).isTrue();
        assertThat(limiter.address("10.0.0.1").allowed()).isFalse();
        // Other keys have their own buckets; credentials are counted apart from addresses.
        assertThat(limiter.address("10.0.0.2").allowed()).isTrue();
        assertThat(limiter.credential("10.0.0.1").allowed()).isTrue();
    }

    @Test
    void refusalsAreRecordedOnceAMinutePerKey() {
        RateLimiter limiter = limiter(1, 1);
        assertThat(limiter.credential("cert:1").allowed()).isTrue();
        assertThat(limiter.credential("cert:1").record()).isTrue();
        assertThat(limiter.credential("cert:1").record()).isFalse();
        now.addAndGet(1_000_000_000L);
        assertThat(limiter.credential("cert:1").allowed()).isTrue();
        assertThat(limiter.credential("cert:1").record()).as("refused again within the minute").isFalse();
        now.addAndGet(61_000_000_000L);
        assertThat(limiter.credential("cert:1").allowed()).isTrue();
        assertThat(limiter.credential("cert:1").record()).isTrue();
    }

    @Test
    void rateZeroTurnsTheLimitOff() {
        RateLimiter limiter = limiter(0, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.address("10.0.0.1").allowed()).isTrue();
        }
    }

    @Test
    void theBucketNeverHoldsMoreThanTheBurst() {
        RateLimiter limiter = limiter(100, 5);
        now.addAndGet(3_600_000_000_000L);
        int allowed = 0;
        while (limiter.address("10.0.0.9").allowed()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(5);
    }
}
