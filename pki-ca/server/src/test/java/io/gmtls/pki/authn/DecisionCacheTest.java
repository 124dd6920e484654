package io.gmtls.pki.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The decision cache never keeps a decision computed before an invalidation, and is neither read nor
 * written while the change listener is not known alive. Interleavings are forced, not hoped for.
 */
class DecisionCacheTest {

    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final AtomicInteger loads = new AtomicInteger();

    private DecisionCache<String, String> cache(BooleanSupplier trusted) {
        return new DecisionCache<>(100, Duration.ofMinutes(1), trusted);
    }

    private String load(String value) {
        loads.incrementAndGet();
        return value;
    }

    @Test
    void aDecisionComputedWhileAnInvalidationArrivedIsAnsweredButNotKept() {
        DecisionCache<String, String> cache = cache(alive::get);
        // The invalidation lands in the middle of the computation.
        String answered = cache.get("k", () -> {
            cache.invalidateAll();
            return load("allow (stale)");
        });
        assertThat(answered).isEqualTo("allow (stale)");
        assertThat(cache.peek("k")).isNull();
        assertThat(cache.get("k", () -> load("deny"))).isEqualTo("deny");
        assertThat(cache.peek("k")).isEqualTo("deny");
        assertThat(loads.get()).isEqualTo(2);
    }

    @Test
    void putIfUnchangedRefusesAValueOlderThanTheLastInvalidation() {
        DecisionCache<String, String> cache = cache(alive::get);
        long generation = cache.generation();
        cache.invalidateAll();
        assertThat(cache.putIfUnchanged("k", "allow (stale)", generation)).isFalse();
        assertThat(cache.peek("k")).isNull();
        assertThat(cache.putIfUnchanged("k", "allow", cache.generation())).isTrue();
        assertThat(cache.peek("k")).isEqualTo("allow");
    }

    /**
     * An invalidation that arrives between the generation check and the put (the window a plain
     * check-then-put leaves open) waits for the put and then removes it. The trust check inside that
     * window is where the invalidation is started.
     */
    @Test
    void anInvalidationBetweenTheCheckAndThePutStillRemovesTheValue() throws Exception {
        AtomicBoolean inWindow = new AtomicBoolean();
        CountDownLatch invalidated = new CountDownLatch(1);
        DecisionCache<String, String>[] holder = new DecisionCache[1];
        Thread[] invalidator = new Thread[1];
        holder[0] = cache(() -> {
            if (inWindow.compareAndSet(true, false)) {
                invalidator[0] = new Thread(() -> {
                    holder[0].invalidateAll();
                    invalidated.countDown();
                });
                invalidator[0].start();
                try {
                    // Give it every chance to run inside the window; the lock must hold it back.
                    assertThat(invalidated.await(300, TimeUnit.MILLISECONDS)).isFalse();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        });
        DecisionCache<String, String> cache = holder[0];
        long generation = cache.generation();
        inWindow.set(true);
        cache.putIfUnchanged("k", "allow (stale)", generation);
        invalidator[0].join(5_000);
        assertThat(invalidated.getCount()).isZero();
        assertThat(cache.peek("k")).isNull();
    }

    @Test
    void whileTheListenerIsNotKnownAliveTheCacheIsNeitherReadNorWritten() {
        DecisionCache<String, String> cache = cache(alive::get);
        cache.get("k", () -> load("allow"));
        assertThat(cache.peek("k")).isEqualTo("allow");

        alive.set(false);
        assertThat(cache.peek("k")).isNull();
        assertThat(cache.get("k", () -> load("deny"))).isEqualTo("deny");
        assertThat(cache.get("k", () -> load("deny"))).isEqualTo("deny");
        assertThat(loads.get()).isEqualTo(3);
        assertThat(cache.putIfUnchanged("other", "allow", cache.generation())).isFalse();

        // The listener invalidates before it reports alive again (PgChangeListener's onConnected).
        cache.invalidateAll();
        alive.set(true);
        assertThat(cache.peek("k")).isNull();
        assertThat(cache.peek("other")).isNull();
    }
}
