package io.gmtls.pki.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded, short-lived cache of auth decisions. It is trusted only while the change listener is known
 * alive (otherwise a revocation could be missed): untrusted, nothing is read from it and nothing is
 * stored. Every change notification drops everything.
 *
 * <p>A decision computed before an invalidation is never stored: the generation is read before the
 * decision is computed, and the put happens only if no invalidation came in between. The check and the
 * put are one step under a lock that {@link #invalidateAll()} takes exclusively, so an invalidation
 * cannot fall between them (a plain check-then-put would let it, and the stale decision would then
 * outlive the notification that should have removed it).
 */
public final class DecisionCache<K, V> {

    private final Cache<K, V> cache;
    /** Written only under the write lock; read under either. */
    private volatile long generation;
    /** Read: a put checking its generation. Write: an invalidation. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final BooleanSupplier trusted;

    public DecisionCache(long maximumSize, Duration ttl, BooleanSupplier trusted) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).build();
        this.trusted = trusted;
    }

    /** The cached value, or the loader's (stored unless an invalidation came while it was computed). */
    public V get(K key, Supplier<V> loader) {
        if (!trusted.getAsBoolean()) {
            return loader.get();
        }
        V cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        long before = generation();
        V value = loader.get();
        putIfUnchanged(key, value, before);
        return value;
    }

    /** The cached value only (null when absent or untrusted). */
    public V peek(K key) {
        return trusted.getAsBoolean() ? cache.getIfPresent(key) : null;
    }

    /** The current generation: take it before computing a value, then {@link #putIfUnchanged}. */
    public long generation() {
        return generation;
    }

    /**
     * Stores a value computed since {@code generation}, unless an invalidation came meanwhile or the
     * listener is not known alive. Returns whether it was stored.
     */
    public boolean putIfUnchanged(K key, V value, long since) {
        lock.readLock().lock();
        try {
            if (generation != since || !trusted.getAsBoolean()) {
                return false;
            }
            cache.put(key, value);
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops everything (a revocation or registration changed somewhere). */
    public void invalidateAll() {
        lock.writeLock().lock();
        try {
            generation++;
            cache.invalidateAll();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public long size() {
        return cache.estimatedSize();
    }
}
