package io.gmtls.proxy.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.proxy.config.LimitsConfig;
import io.netty.channel.Channel;

/**
 * Connection limits of one listener: live connections in total and per client address, and the
 * accept rate. Lives as long as the listener (counts survive reloads; a reload only changes limits).
 */
final class AdmissionControl {

    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private volatile LimitsConfig limits;
    private volatile TokenBucket bucket;

    AdmissionControl(LimitsConfig limits) {
        update(limits);
    }

    void update(LimitsConfig newLimits) {
        LimitsConfig old = this.limits;
        this.limits = newLimits;
        if (old == null || old.acceptRate() != newLimits.acceptRate() || old.acceptBurst() != newLimits.acceptBurst()) {
            this.bucket = new TokenBucket(newLimits.acceptRate(), newLimits.acceptBurst(), System.nanoTime());
        }
    }

    /** Live connections admitted on this listener. */
    int open() {
        return open.get();
    }

    /**
     * Admits a new connection or says why not. When admitted, the counts are released when the channel
     * closes.
     *
     * @return null when admitted, otherwise the refusal reason (a metric label)
     */
    String tryAdmit(Channel channel) {
        LimitsConfig l = limits;
        if (!bucket.tryTake(System.nanoTime())) {
            return "accept_rate";
        }
        if (open.incrementAndGet() > l.maxConnections()) {
            open.decrementAndGet();
            return "max_connections";
        }
        InetAddress source = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (source != null) {
            int[] count = new int[1];
            // Increment inside compute(): release() may drop the entry concurrently when it reaches zero.
            perSource.compute(source, (k, v) -> {
                AtomicInteger c = v == null ? new AtomicInteger() : v;
                count[0] = c.incrementAndGet();
                return c;
            });
            if (count[0] > l.maxConnectionsPerSource()) {
                release(source);
                open.decrementAndGet();
                return "max_connections_per_source";
            }
        }
        channel.closeFuture().addListener(f -> {
            open.decrementAndGet();
            if (source != null) {
                release(source);
            }
        });
        return null;
    }

    private void release(InetAddress source) {
        perSource.computeIfPresent(source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
