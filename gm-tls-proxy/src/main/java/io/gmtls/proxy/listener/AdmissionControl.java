package io.gmtls.proxy.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.gmtls.proxy.config.LimitsConfig;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Connection limits of one listener: live connections in total and per client address, connections
 * still in their handshake in total and per client address, and the accept rate. Lives as long as the
 * listener (counts survive reloads; a reload only changes limits).
 *
 * <p>Handshakes have limits of their own because a connection in its handshake holds far more memory
 * (engine buffers, handshake state: ~190 KiB) than an established one, for up to the handshake timeout,
 * and costs it without any credential: a flood of stalled handshakes must not use up the budget that
 * established vehicles live in.
 *
 * <p>Full handshakes have a budget per second of their own ({@code full-handshakes-per-second}): in a
 * reconnect storm, a connection whose ClientHello offers a resumable session costs a fraction of a
 * full handshake and is always let in, while new full handshakes beyond the budget are closed before
 * any cryptography ({@link ProtocolSniffer}).
 */
final class AdmissionControl {

    /** The handshake slot a connection holds until its handshake ends or it closes. */
    private static final AttributeKey<HandshakeSlot> SLOT = AttributeKey.valueOf(AdmissionControl.class, "handshakeSlot");

    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> handshakingPerSource = new ConcurrentHashMap<>();
    private volatile LimitsConfig limits;
    private volatile TokenBucket bucket;
    private volatile TokenBucket fullHandshakes;

    private final LongSupplier nanoClock;

    AdmissionControl(LimitsConfig limits) {
        this(limits, System::nanoTime);
    }

    /** @param nanoClock {@link System#nanoTime} but in tests */
    AdmissionControl(LimitsConfig limits, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        update(limits);
    }

    void update(LimitsConfig newLimits) {
        LimitsConfig old = this.limits;
        this.limits = newLimits;
        if (old == null || old.acceptRate() != newLimits.acceptRate() || old.acceptBurst() != newLimits.acceptBurst()) {
            this.bucket = new TokenBucket(newLimits.acceptRate(), newLimits.acceptBurst(), nanoClock.getAsLong());
        }
        if (old == null || old.fullHandshakesPerSecond() != newLimits.fullHandshakesPerSecond()) {
            // One second's worth may come at once: a budget is a rate, not a spacing.
            int rate = newLimits.fullHandshakesPerSecond();
            this.fullHandshakes = new TokenBucket(rate, Math.max(1, rate), nanoClock.getAsLong());
        }
    }

    /** True when full handshakes have a budget (the ClientHello is then read before the engine starts). */
    boolean fullHandshakeBudget() {
        return limits.fullHandshakesPerSecond() > 0;
    }

    /** Takes one full handshake from the budget; false when this second's budget is spent. */
    boolean tryFullHandshake() {
        return fullHandshakes.tryTake(nanoClock.getAsLong());
    }

    /** Charges a full handshake that was admitted as a resumption offer (see {@link TokenBucket#charge}). */
    void chargeFullHandshake() {
        fullHandshakes.charge(nanoClock.getAsLong());
    }

    /** Live connections admitted on this listener. */
    int open() {
        return open.get();
    }

    /** Admitted connections whose handshake has not ended. */
    int handshaking() {
        return handshaking.get();
    }

    /**
     * Admits a new connection or says why not. When admitted, the counts are released when the channel
     * closes; a connection admitted with {@code handshake} also holds a handshake slot until
     * {@link #handshakeEnded} (or its close).
     *
     * @param handshake true when the connection starts with a TLS/TLCP handshake (not a plaintext listener)
     * @return null when admitted, otherwise the refusal reason (a metric label)
     */
    String tryAdmit(Channel channel, boolean handshake) {
        LimitsConfig l = limits;
        if (!bucket.tryTake(nanoClock.getAsLong())) {
            return "accept_rate";
        }
        InetAddress source = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String refused = take(open, perSource, source, l.maxConnections(), l.maxConnectionsPerSource(),
                "max_connections", "max_connections_per_source");
        if (refused != null) {
            return refused;
        }
        if (handshake) {
            refused = take(handshaking, handshakingPerSource, source, l.maxHandshakes(), l.maxHandshakesPerSource(),
                    "max_handshakes", "max_handshakes_per_source");
            if (refused != null) {
                give(open, perSource, source);
                return refused;
            }
        }
        if (handshake) {
            channel.attr(SLOT).set(new HandshakeSlot(source));
        }
        channel.closeFuture().addListener(f -> {
            handshakeEnded(channel);
            give(open, perSource, source);
        });
        return null;
    }

    /** Frees the connection's handshake slot (idempotent; a no-op for connections that hold none). */
    void handshakeEnded(Channel channel) {
        HandshakeSlot slot = channel.attr(SLOT).getAndSet(null);
        if (slot != null) {
            give(handshaking, handshakingPerSource, slot.source());
        }
    }

    /**
     * Takes one from the total and one from the source's count, or neither.
     *
     * @return null when taken, else the reason of the limit reached (nothing is taken then)
     */
    private static String take(AtomicInteger total, ConcurrentHashMap<InetAddress, AtomicInteger> bySource,
            InetAddress source, int maxTotal, int maxPerSource, String totalReason, String perSourceReason) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return totalReason;
        }
        if (source != null) {
            int[] count = new int[1];
            // Increment inside compute(): release may drop the entry concurrently when it reaches zero.
            bySource.compute(source, (k, v) -> {
                AtomicInteger c = v == null ? new AtomicInteger() : v;
                count[0] = c.incrementAndGet();
                return c;
            });
            if (count[0] > maxPerSource) {
                release(bySource, source);
                total.decrementAndGet();
                return perSourceReason;
            }
        }
        return null;
    }

    private static void give(AtomicInteger total, ConcurrentHashMap<InetAddress, AtomicInteger> bySource,
            InetAddress source) {
        total.decrementAndGet();
        if (source != null) {
            release(bySource, source);
        }
    }

    private static void release(ConcurrentHashMap<InetAddress, AtomicInteger> bySource, InetAddress source) {
        bySource.computeIfPresent(source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    /** A held handshake slot: the source it counts against. */
    private record HandshakeSlot(InetAddress source) {
    }
}
