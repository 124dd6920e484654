package io.gmtls.proxy.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.WarmUpConfig;
import io.gmtls.proxy.listener.Transport;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Warms the gateway before its listeners open: a gateway restarted in a rolling deploy is exactly where
 * a reconnect wave lands, and a cold JVM (interpreted code, unloaded classes, a JIT compiler still busy
 * — its CPU is the process's too) pays several times the warm cost per handshake for its first few
 * hundred connections.
 *
 * <p>The handshakes go through the gateway's real connection path, over loopback sockets on the
 * gateway's own event loops: a warm-up listener made by the same {@code ListenerServer} code as the
 * configured ones (protocol sniffer, admission, TLCP and TLS 1.3 terminations, client identity, relay,
 * upstream connect, PPv2 header, access line) on {@code 127.0.0.1:0}, relaying to an in-process
 * {@linkplain WarmUpSink sink} that reads the PPv2 header and echoes; the clients are our TLCP engine
 * and the TLS 1.3 clients (BoringSSL/JDK with ECDSA, BouncyCastle RFC 8998 with SM2) on an event loop
 * of their own. Every kind the listeners serve runs: TLCP full per key exchange (with the most
 * preferred suite of each), resumed by session ID and, where a listener issues tickets, by ticket; TLS
 * 1.3 ECDSA and SM full.
 *
 * <p>Nothing of it can be used against, or be seen on, the real listeners: the warm-up listener has its
 * own throwaway PKI ({@link WarmUpPki}), TLCP and TLS contexts, session cache and ticket keys, upstream
 * group, revocation service and metrics registry; it listens on loopback only while the real listeners
 * are still closed, and is closed before they open; its connections' access lines are not written.
 *
 * <p>Runs until {@link WarmUpConfig#handshakes()} are done (or three quarters of {@link
 * WarmUpConfig#maxTime()} are used), then lets the JIT compiler settle with one connection at a time
 * (until its total compilation time is unchanged for {@value #QUIET_MILLIS} ms; see {@link #settle}), all
 * within {@code maxTime}, on the calling thread. A failure is logged and ends the warm-up: a cold
 * gateway still serves correctly.
 */
public final class WarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /** Connections in flight: enough to keep the listener's event loops and the clients' busy. */
    static final int IN_FLIGHT = 4;
    /** The JIT counts as settled when its total compilation time did not grow for this long. */
    static final long QUIET_MILLIS = 500;

    /**
     * What the warm-up did.
     *
     * @param handshakes      connections completed (handshake, one byte relayed to the sink and back), in all
     * @param byKind          of these, per kind in the order they ran (e.g. {@code tlcp-ECC_SM4_GCM_SM3-full})
     * @param resumed         of these, TLCP connections that resumed a session
     * @param upstreamHeaders PPv2 headers the sink read (the settling connections' too)
     * @param millis          time taken, handshakes and settling
     * @param settleMillis    of which letting the JIT settle
     * @param settleConnections connections run one at a time while the JIT settled (not in {@code handshakes})
     * @param settled         whether the JIT settled before the time budget was used up
     * @param failed          whether a connection failed or the warm-up listener could not be set up
     * @param completed       true when the count was reached without a failure
     */
    public record Result(int handshakes, Map<String, Integer> byKind, int resumed, int upstreamHeaders, long millis,
            long settleMillis, int settleConnections, boolean settled, boolean failed, boolean completed) {

        /** No warm-up ran (none asked for, or nothing to warm). */
        public static Result none() {
            return new Result(0, Map.of(), 0, 0, 0, 0, 0, false, false, true);
        }
    }

    /** Where the warm-up runs: the gateway's event loops and transport. */
    public record Loops(EventLoopGroup boss, EventLoopGroup workers, Transport transport) {
    }

    /** One kind of connection: a name, whether it should resume, and its client handler. */
    record Kind(String name, boolean resumes, ClientHandlers handlers) {
    }

    /** Makes a client's TLS/TLCP handler for one connection. */
    @FunctionalInterface
    interface ClientHandlers {
        SslHandler newHandler(ByteBufAllocator allocator);
    }

    private WarmUp() {
    }

    /**
     * Warms what {@code config}'s listeners serve. Does nothing for {@code warm-up: off} or a gateway
     * with plaintext listeners only.
     */
    public static Result run(GatewayConfig config, Loops loops) {
        WarmUpConfig settings = config.warmUp();
        if (!settings.enabled()) {
            return Result.none();
        }
        long deadline = System.nanoTime() + settings.maxTime().toNanos();
        WarmUpListener.Served served = WarmUpListener.Served.of(config);
        if (served.isEmpty()) {
            return Result.none();
        }
        Result result = run(served, settings.handshakes(), deadline, loops);
        LOG.info("warm-up: {} handshakes in {} ms{}, JIT {} after {} ms more ({} connections one at a time); {}, {} "
                + "resumed, {} PPv2 headers at the sink",
                result.handshakes(), result.millis() - result.settleMillis(),
                result.completed() ? "" : (result.handshakes() < settings.handshakes() && !result.failed()
                        ? " (time budget " + settings.maxTime() + " used up)" : " (stopped by a failure)"),
                result.settled() ? "settled" : "not settled", result.settleMillis(), result.settleConnections(),
                result.byKind(), result.resumed(), result.upstreamHeaders());
        return result;
    }

    /**
     * Runs {@code count} connections of what {@code served} names (within three quarters of the time to
     * the deadline), then lets the JIT settle, until the deadline.
     */
    static Result run(WarmUpListener.Served served, int count, long deadline, Loops loops) {
        long start = System.nanoTime();
        // A warm-up cut short by its budget (a slow or busy machine) still leaves the JIT a quarter of
        // it to compile what the connections made hot.
        long connectionsUntil = start + (deadline - start) / 4 * 3;
        Map<String, Integer> byKind = new LinkedHashMap<>();
        AtomicInteger resumed = new AtomicInteger();
        int headers = 0;
        boolean failed;
        boolean settled = false;
        long settleMillis = 0;
        Map<String, Integer> settling = new LinkedHashMap<>();
        try (WarmUpListener listener = WarmUpListener.start(served, loops)) {
            List<Kind> kinds = kinds(listener);
            failed = !drive(listener, kinds, count, connectionsUntil, byKind, resumed);
            long settleStart = System.nanoTime();
            if (!failed && !byKind.isEmpty()) {
                int ran = byKind.values().stream().mapToInt(Integer::intValue).sum();
                settled = settle(listener, kinds, ran, deadline, settling);
            }
            settleMillis = (System.nanoTime() - settleStart) / 1_000_000;
            headers = listener.sinkHeaders();
        } catch (Exception e) {
            LOG.warn("warm-up stopped: its listener could not be set up: {}", e.toString());
            failed = true;
        }
        int total = byKind.values().stream().mapToInt(Integer::intValue).sum();
        long now = System.nanoTime();
        int settleConnections = settling.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(total, Collections.unmodifiableMap(byKind), resumed.get(), headers, (now - start) / 1_000_000,
                settleMillis, settleConnections, settled, failed, !failed && total >= count);
    }

    /**
     * Runs up to {@code count} connections, {@value #IN_FLIGHT} at a time, until the deadline; false on
     * the first failure (logged). The first quarter takes the kinds in turn; the rest takes the resuming
     * kinds in turn (all kinds when none resumes). Why: the code a handshake runs many times per
     * connection (SM2, SM3, SM4, record and message code) reaches the optimising compiler within a few
     * hundred handshakes of each kind, but the code that runs once per connection (the pipeline, relay,
     * PPv2, upstream connect, access line, metrics) needs thousands of connections (HotSpot compiles a
     * method at its top tier after ~5,000 calls); resumed connections run all of it at a fraction of a
     * full handshake's cost, so they make the bulk.
     */
    static boolean drive(WarmUpListener listener, List<Kind> kinds, int count, long deadline,
            Map<String, Integer> byKind, AtomicInteger resumed) throws InterruptedException {
        List<Kind> resuming = kinds.stream().filter(Kind::resumes).toList();
        List<Kind> bulk = resuming.isEmpty() ? kinds : resuming;
        int mixed = Math.max(count / 4, Math.min(count, kinds.size()));
        return drive(listener, IN_FLIGHT, started -> started >= count ? null
                : started < mixed ? kinds.get(started % kinds.size()) : bulk.get(started % bulk.size()),
                deadline, kinds, byKind, resumed);
    }

    /**
     * Runs connections, {@code inFlight} at a time, of the kinds {@code next} names for the n-th connection
     * until it names none or the deadline; adds them to {@code byKind}; false on the first failure (logged).
     */
    private static boolean drive(WarmUpListener listener, int inFlight, IntFunction<Kind> next, long deadline,
            List<Kind> kinds, Map<String, Integer> byKind, AtomicInteger resumed) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        for (int started = 0; failure.get() == null; started++) {
            Kind kind = next.apply(started);
            if (kind == null) {
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            listener.connect(kind, outcome -> {
                if (outcome.error() != null) {
                    failure.compareAndSet(null, kind.name() + " failed: " + outcome.error());
                } else {
                    done.computeIfAbsent(kind.name(), k -> new AtomicInteger()).incrementAndGet();
                    if (outcome.resumed()) {
                        resumed.incrementAndGet();
                    }
                }
                slots.release();
            });
        }
        // Let the connections in flight end; what is still running at the deadline is closed with the listener.
        slots.tryAcquire(inFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        for (Kind kind : kinds) {
            AtomicInteger n = done.get(kind.name());
            if (n != null) {
                byKind.merge(kind.name(), n.get(), Integer::sum);
            }
        }
        if (failure.get() != null) {
            LOG.warn("warm-up stopped: {}", failure.get());
            return false;
        }
        return true;
    }

    /**
     * Lets the JIT catch up, until its total compilation time stops growing for {@value #QUIET_MILLIS} ms
     * or the deadline, while one connection at a time keeps running, every kind in turn: true when it
     * settled. Why not wait idle: while the optimising compiler's queue is long, HotSpot raises the
     * invocation counts a method needs before it is queued, and it checks them only when the method runs.
     * An idle wait therefore looks settled at once, and the hundreds of per-connection methods whose counts
     * passed the threshold during the busy part reach the compiler with the first vehicles (measured: ~10 s
     * of C2 time after the listeners opened, 173 methods compiled for the first time). One connection in
     * flight calls them again at little cost, so they are queued now, and the compiler has a core. At most
     * {@code maxConnections} (as many as the warm-up proper ran): a JIT that goes on compiling at that
     * pace does not hold a small warm-up for its whole time budget.
     */
    static boolean settle(WarmUpListener listener, List<Kind> kinds, int maxConnections, long deadline,
            Map<String, Integer> byKind) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        JitQuiet quiet = new JitQuiet(jit);
        boolean ok = drive(listener, 1, started -> quiet.reached() || started >= maxConnections ? null
                : kinds.get(started % kinds.size()), deadline, kinds, byKind, new AtomicInteger());
        return ok && quiet.reached();
    }

    /** Whether the JIT's total compilation time has been unchanged for {@value #QUIET_MILLIS} ms (one thread). */
    private static final class JitQuiet {
        private final CompilationMXBean jit;
        private long last;
        private long quietSince = System.nanoTime();
        private boolean reached;

        JitQuiet(CompilationMXBean jit) {
            this.jit = jit;
            this.last = jit.getTotalCompilationTime();
        }

        boolean reached() {
            if (!reached) {
                long now = System.nanoTime();
                long total = jit.getTotalCompilationTime();
                if (total != last) {
                    last = total;
                    quietSince = now;
                } else {
                    reached = now - quietSince >= TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                }
            }
            return reached;
        }
    }

    /** The connection kinds the listeners serve, each with its client made from the throwaway PKI. */
    static List<Kind> kinds(WarmUpListener listener) throws Exception {
        WarmUpPki pki = listener.pki();
        WarmUpListener.Served served = listener.served();
        List<Kind> kinds = new ArrayList<>();
        if (!served.tlcpSuites().isEmpty()) {
            List<TlcpCipherSuite> suites = served.tlcpSuites();
            // The time goes where the cost is: a full handshake per key exchange (with the listeners' most
            // preferred suite of it; the record protection of the others is a small share) and resumption.
            Set<TlcpCipherSuite.KeyExchange> seen = new LinkedHashSet<>();
            for (TlcpCipherSuite suite : suites) {
                if (seen.add(suite.keyExchange())) {
                    // No peer host: the client neither offers nor keeps a session.
                    TlcpContext full = tlcpClient(pki, suite, false);
                    kinds.add(new Kind("tlcp-" + suite.name() + "-full", false,
                            alloc -> tlcpHandler(full.newClientEngine(null, -1))));
                }
            }
            // Resumed: the client keeps its session per host:port and offers it again.
            TlcpContext byId = tlcpClient(pki, suites.get(0), false);
            kinds.add(new Kind("tlcp-" + suites.get(0).name() + "-resumed-id", true,
                    alloc -> tlcpHandler(byId.newClientEngine(WarmUpPki.HOST, 1))));
            if (served.tickets()) {
                TlcpContext byTicket = tlcpClient(pki, suites.get(0), true);
                kinds.add(new Kind("tlcp-" + suites.get(0).name() + "-resumed-ticket", true,
                        alloc -> tlcpHandler(byTicket.newClientEngine(WarmUpPki.HOST, 2))));
            }
        }
        if (served.tls()) {
            SslContext ecdsa = StandardTls13ClientContexts.netty(pki.ecdsaClient, List.of(pki.ecdsaCa),
                    listener.standardProvider());
            Sm2Tls13ClientEngines sm = Sm2Tls13ClientEngines.create(pki.sm2ClientSign, List.of(pki.sm2Ca));
            kinds.add(new Kind("tls13-ecdsa-full", false, alloc -> ecdsa.newHandler(alloc, WarmUpPki.HOST, 1)));
            kinds.add(new Kind("tls13-sm-full", false, alloc -> new SslHandler(sm.newEngine(WarmUpPki.HOST, 1))));
        }
        return kinds;
    }

    private static SslHandler tlcpHandler(SSLEngine engine) {
        return new SslHandler(engine);
    }

    private static TlcpContext tlcpClient(WarmUpPki pki, TlcpCipherSuite suite, boolean tickets) {
        return TlcpContext.builder()
                .signing(pki.sm2ClientSign.privateKey(), pki.sm2ClientSign.chain())
                .encryption(pki.sm2ClientEnc.privateKey(), pki.sm2ClientEnc.certificate())
                .trustAnchors(List.of(pki.sm2Ca))
                .cipherSuites(List.of(suite))
                .allowNoHostname(true)
                .clientSessionTickets(tickets)
                .build();
    }
}
