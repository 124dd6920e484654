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
 * WarmUpConfig#maxTime()} are used), then waits for the JIT compiler to settle (total compilation time
 * unchanged for {@value #QUIET_MILLIS} ms), all within {@code maxTime}, on the calling thread. A failure is logged and ends the warm-up: a cold
 * gateway still serves correctly.
 */
public final class WarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /** Connections in flight: enough to keep the listener's event loops and the clients' busy. */
    static final int IN_FLIGHT = 4;
    /** The JIT counts as settled when its total compilation time did not grow for this long. */
    static final long QUIET_MILLIS = 500;
    private static final long POLL_MILLIS = 50;

    /**
     * What the warm-up did.
     *
     * @param handshakes      connections completed (handshake, one byte relayed to the sink and back), in all
     * @param byKind          of these, per kind in the order they ran (e.g. {@code tlcp-ECC_SM4_GCM_SM3-full})
     * @param resumed         of these, TLCP connections that resumed a session
     * @param upstreamHeaders PPv2 headers the sink read
     * @param millis          time taken, handshakes and settling
     * @param settleMillis    of which waiting for the JIT to settle
     * @param settled         whether the JIT settled before the time budget was used up
     * @param failed          whether a connection failed or the warm-up listener could not be set up
     * @param completed       true when the count was reached without a failure
     */
    public record Result(int handshakes, Map<String, Integer> byKind, int resumed, int upstreamHeaders, long millis,
            long settleMillis, boolean settled, boolean failed, boolean completed) {

        /** No warm-up ran (none asked for, or nothing to warm). */
        public static Result none() {
            return new Result(0, Map.of(), 0, 0, 0, 0, false, false, true);
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
        LOG.info("warm-up: {} handshakes in {} ms{}, JIT {} after {} ms more; {}, {} resumed, {} PPv2 headers at the sink",
                result.handshakes(), result.millis() - result.settleMillis(),
                result.completed() ? "" : (result.handshakes() < settings.handshakes() && !result.failed()
                        ? " (time budget " + settings.maxTime() + " used up)" : " (stopped by a failure)"),
                result.settled() ? "settled" : "not settled", result.settleMillis(), result.byKind(), result.resumed(),
                result.upstreamHeaders());
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
        try (WarmUpListener listener = WarmUpListener.start(served, loops)) {
            failed = !drive(listener, kinds(listener), count, connectionsUntil, byKind, resumed);
            headers = listener.sinkHeaders();
        } catch (Exception e) {
            LOG.warn("warm-up stopped: its listener could not be set up: {}", e.toString());
            failed = true;
        }
        int total = byKind.values().stream().mapToInt(Integer::intValue).sum();
        long settleStart = System.nanoTime();
        boolean settled = total > 0 && settle(deadline);
        long now = System.nanoTime();
        return new Result(total, Collections.unmodifiableMap(byKind), resumed.get(), headers, (now - start) / 1_000_000,
                (now - settleStart) / 1_000_000, settled, failed, !failed && total >= count);
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
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicReference<String> failure = new AtomicReference<>();
        Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        List<Kind> resuming = kinds.stream().filter(Kind::resumes).toList();
        List<Kind> bulk = resuming.isEmpty() ? kinds : resuming;
        int mixed = Math.max(count / 4, Math.min(count, kinds.size()));
        for (int started = 0; started < count && failure.get() == null; started++) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            Kind kind = started < mixed ? kinds.get(started % kinds.size()) : bulk.get(started % bulk.size());
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
        slots.tryAcquire(IN_FLIGHT, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        for (Kind kind : kinds) {
            AtomicInteger n = done.get(kind.name());
            if (n != null) {
                byKind.put(kind.name(), n.get());
            }
        }
        if (failure.get() != null) {
            LOG.warn("warm-up stopped: {}", failure.get());
            return false;
        }
        return true;
    }

    /**
     * Waits until the JIT compiler's total compilation time stops growing for {@value #QUIET_MILLIS}
     * ms, or the deadline: compilations still queued when the listeners open take CPU from the first
     * vehicles. True when it settled.
     */
    static boolean settle(long deadline) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            long now = System.nanoTime();
            long total = jit.getTotalCompilationTime();
            if (total != last) {
                last = total;
                quietSince = now;
            } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
                return true;
            }
        }
        return false;
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
