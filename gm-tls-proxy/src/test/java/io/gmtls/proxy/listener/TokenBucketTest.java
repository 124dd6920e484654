package io.gmtls.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void allowsTheBurstThenTheRate() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(50_000_000L)).as("half a token after 50 ms").isFalse();
        assertThat(bucket.tryTake(100_000_000L)).as("one token after 100 ms").isTrue();
        assertThat(bucket.tryTake(10_000_000_000L)).isTrue();
        assertThat(bucket.tryTake(10_000_000_000L)).isTrue();
        assertThat(bucket.tryTake(10_000_000_000L)).isTrue();
        assertThat(bucket.tryTake(10_000_000_000L)).as("capped at the burst").isFalse();
    }

    @Test
    void zeroRateIsUnlimited() {
        TokenBucket bucket = new TokenBucket(0, 1, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(bucket.tryTake(0)).isTrue();
        }
    }

    @Test
    void aChargeTakesATokenThatIsNotThereDownToMinusTheBurst() {
        TokenBucket bucket = new TokenBucket(1, 2, 0);
        bucket.charge(0);
        bucket.charge(0);
        bucket.charge(0);
        bucket.charge(0);
        bucket.charge(0);
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(2_900_000_000L)).as("2.9 s refill from -2: 0.9 tokens").isFalse();
        assertThat(bucket.tryTake(3_000_000_000L)).as("3 s: one token again").isTrue();
    }
}
