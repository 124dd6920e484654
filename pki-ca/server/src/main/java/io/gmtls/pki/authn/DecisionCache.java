package io.gmtls.pki.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded, short-lived cache of auth decisions. It is trusted only while the change listener is
 * connected (otherwise a revocation could be missed); every change notification drops everything.
 * A decision computed while a change arrived is not stored (generation check), so a stale "allow"
 * cannot outlive the notification that should have removed it.
 */
public final class DecisionCache<K, V> {

    private final Cache<K, V> cache;
    private final AtomicLong generation = new AtomicLong();
    private final BooleanSupplier trusted;

    public DecisionCache(long maximumSize, Duration ttl, BooleanSupplier trusted) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).build();
        this.trusted = trusted;
    }

    /** The cached value, or the loader's (stored when still valid). */
    public V get(K key, Supplier<V> loader) {
        if (!trusted.getAsBoolean()) {
            return loader.get();
        }
        V cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        long before = generation.get();
        V value = loader.get();
        if (generation.get() == before && trusted.getAsBoolean()) {
            cache.put(key, value);
        }
        return value;
    }

    /** The cached value only (null when absent or untrusted). */
    public V peek(K key) {
        return trusted.getAsBoolean() ? cache.getIfPresent(key) : null;
    }

    /** The current generation: take it before computing a value, then {@link #putIfUnchanged}. */
    public long generation() {
        return generation.get();
    }

    /** Stores a value computed since {@code generation}, unless a change arrived meanwhile. */
    public void putIfUnchanged(K key, V value, long since) {
        if (generation.get() == since && trusted.getAsBoolean()) {
            cache.put(key, value);
        }
    }

    /** Drops everything (a revocation or registration changed somewhere). */
    public void invalidateAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }
}
