package io.gmtls.tboxsim.load;

import org.HdrHistogram.ConcurrentHistogram;

/**
 * Latencies recorded from any event loop, in microseconds (HdrHistogram, 3 significant digits, auto-resizing:
 * a fixed few KB whatever the number of samples).
 */
public final class LatencyHistogram {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    /** Records the time from {@code startNanos} to {@code endNanos}. */
    public void record(long startNanos, long endNanos) {
        histogram.recordValue(Math.max(0, (endNanos - startNanos) / 1_000));
    }

    /** Count, p50, p99 and max so far, in milliseconds. */
    public Summary.Latency snapshot() {
        long count = histogram.getTotalCount();
        if (count == 0) {
            return new Summary.Latency(0, 0, 0, 0);
        }
        return new Summary.Latency(count, millis(histogram.getValueAtPercentile(50)),
                millis(histogram.getValueAtPercentile(99)), millis(histogram.getMaxValue()));
    }

    /** The median so far in milliseconds (0 with no samples). */
    public double p50() {
        return histogram.getTotalCount() == 0 ? 0 : millis(histogram.getValueAtPercentile(50));
    }

    private static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
