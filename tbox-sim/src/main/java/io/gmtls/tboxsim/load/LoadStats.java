package io.gmtls.tboxsim.load;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms of a run, updated from every event loop without locks; read by the
 * progress line and the final summary.
 */
public final class LoadStats {

    /** Errors are keyed by a short cause; a run keeps at most this many distinct causes. */
    static final int MAX_CAUSES = 64;

    final LongAdder attempts = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder initialEstablished = new LongAdder();
    /** Vehicles done without ever having a connection (their attempts and retries failed). */
    final LongAdder doneWithoutConnection = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder abortedAttempts = new LongAdder();
    final LongAdder fullHandshakes = new LongAdder();
    final LongAdder resumedHandshakes = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder unacked = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger peakOpen = new AtomicInteger();
    final AtomicLong firstPublishNanos = new AtomicLong();
    final AtomicLong lastPublishNanos = new AtomicLong();
    final AtomicLong lastInitialConnectNanos = new AtomicLong();

    final LatencyHistogram tcpConnect = new LatencyHistogram();
    final LatencyHistogram handshake = new LatencyHistogram();
    final LatencyHistogram connack = new LatencyHistogram();
    final LatencyHistogram puback = new LatencyHistogram();

    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder errorTotal = new LongAdder();

    /** Counts one error of the given cause. */
    void error(String cause) {
        errorTotal.increment();
        LongAdder counter = errors.get(cause);
        if (counter == null) {
            String key = errors.size() >= MAX_CAUSES ? "other" : cause;
            counter = errors.computeIfAbsent(key, k -> new LongAdder());
        }
        counter.increment();
    }

    void opened() {
        int now = open.incrementAndGet();
        peakOpen.accumulateAndGet(now, Math::max);
    }

    void closed() {
        open.decrementAndGet();
    }

    void publishedAt(long nanos) {
        published.increment();
        firstPublishNanos.compareAndSet(0, nanos);
        lastPublishNanos.accumulateAndGet(nanos, Math::max);
    }

    long errorTotal() {
        return errorTotal.sum();
    }

    /** Errors by cause, most frequent first. */
    Map<String, Long> errorsByCause() {
        Map<String, Long> sorted = new LinkedHashMap<>();
        errors.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
