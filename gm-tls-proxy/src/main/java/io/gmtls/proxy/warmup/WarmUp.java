package io.gmtls.proxy.warmup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.TlcpConfig;
import io.gmtls.proxy.config.WarmUpConfig;
import io.gmtls.proxy.tls.ServerIdentity;
import io.gmtls.proxy.tls.Tls13ClientAuth;
import io.gmtls.proxy.tls.Tls13EngineKind;
import io.gmtls.proxy.tls.Tls13Selection;
import io.gmtls.proxy.tls.Tls13ServerContexts;
import io.gmtls.proxy.tls.Tls13ServerCredentials;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TicketKeySet;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;

/**
 * Warms the gateway before its listeners open: a gateway restarted in a rolling deploy is exactly where
 * a reconnect wave lands, and a cold JVM (interpreted SM2 arithmetic, unloaded classes, empty caches)
 * pays several times the warm cost per handshake for its first few hundred connections.
 *
 * <p>It runs handshakes through the real engine classes — our TLCP engine for each key exchange the
 * listeners serve (ECC, ECDHE: full, with the most preferred suite of each; and resumed, by session ID
 * and, where a listener issues them, by ticket), and for TLS 1.3 listeners the BoringSSL/JDK engine with ECDSA and BouncyCastle's RFC 8998
 * engine with SM2 — between in-memory engine pairs ({@link EnginePair}), with client and server
 * credentials of a throwaway PKI ({@link WarmUpPki}) in contexts of their own: the listeners' contexts,
 * trust anchors, session caches and ticket keys are never touched, so nothing of the warm-up can be
 * used against the real listeners.
 *
 * <p>Runs until {@link WarmUpConfig#handshakes()} are done or {@link WarmUpConfig#maxTime()} is up,
 * whichever comes first, on the calling thread; a failure is logged and ends the warm-up (a cold
 * gateway still serves correctly).
 */
public final class WarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /**
     * What the warm-up did.
     *
     * @param handshakes  handshakes completed, in all
     * @param byKind      handshakes completed per kind (e.g. {@code tlcp-ecc-full})
     * @param millis      time taken
     * @param completed   true when the count was reached (false: out of time, or a failure)
     */
    public record Result(int handshakes, Map<String, Integer> byKind, long millis, boolean completed) {
    }

    /** One kind of handshake: a name and a way to make its engine pair. */
    private record Kind(String name, EngineMaker maker) {
    }

    @FunctionalInterface
    private interface EngineMaker {
        SSLEngine[] newPair() throws Exception;
    }

    private WarmUp() {
    }

    /**
     * Warms what {@code config}'s listeners serve. Does nothing for {@code warm-up: off} or a gateway
     * with plaintext listeners only.
     */
    public static Result run(GatewayConfig config) {
        WarmUpConfig settings = config.warmUp();
        long start = System.nanoTime();
        Map<String, Integer> done = new LinkedHashMap<>();
        if (!settings.enabled()) {
            return new Result(0, done, 0, true);
        }
        List<Kind> kinds;
        try {
            kinds = kinds(config);
        } catch (Exception e) {
            LOG.warn("warm-up skipped: its contexts could not be made: {}", e.toString());
            return new Result(0, done, 0, false);
        }
        if (kinds.isEmpty()) {
            return new Result(0, done, 0, true);
        }
        long deadline = start + settings.maxTime().toNanos();
        EnginePair pair = new EnginePair();
        int total = 0;
        boolean failed = false;
        outer:
        while (total < settings.handshakes()) {
            for (Kind kind : kinds) {
                if (total >= settings.handshakes() || System.nanoTime() - deadline >= 0) {
                    break outer;
                }
                try {
                    SSLEngine[] engines = kind.maker().newPair();
                    pair.handshake(engines[0], engines[1]);
                } catch (Exception e) {
                    LOG.warn("warm-up stopped after {} handshakes: {} failed: {}", total, kind.name(), e.toString());
                    failed = true;
                    break outer;
                }
                done.merge(kind.name(), 1, Integer::sum);
                total++;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean completed = !failed && total >= settings.handshakes();
        LOG.info("warm-up: {} handshakes in {} ms{} {}", total, millis,
                completed ? "" : (failed ? " (stopped by a failure)" : " (time budget " + settings.maxTime() + " used up)"),
                done);
        return new Result(total, done, millis, completed);
    }

    /** The handshake kinds the listeners serve, each with the contexts of the throwaway PKI. */
    private static List<Kind> kinds(GatewayConfig config) throws Exception {
        Set<TlcpCipherSuite> suites = new LinkedHashSet<>();
        boolean tickets = false;
        boolean tls = false;
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tlcp().isPresent()) {
                TlcpConfig tlcp = listener.tlcp().get();
                suites.addAll(tlcp.cipherSuites());
                tickets |= tlcp.sessionTickets();
            }
            tls |= listener.tls().isPresent();
        }
        List<Kind> kinds = new ArrayList<>();
        if (suites.isEmpty() && !tls) {
            return kinds;
        }
        WarmUpPki pki = WarmUpPki.create();
        if (!suites.isEmpty()) {
            kinds.addAll(tlcpKinds(pki, List.copyOf(suites), tickets));
        }
        if (tls) {
            kinds.addAll(tlsKinds(pki));
        }
        return kinds;
    }

    private static List<Kind> tlcpKinds(WarmUpPki pki, List<TlcpCipherSuite> suites, boolean tickets) {
        TlcpContext.Builder server = TlcpContext.builder()
                .signing(pki.sm2ServerSign.privateKey(), pki.sm2ServerSign.chain())
                .encryption(pki.sm2ServerEnc.privateKey(), pki.sm2ServerEnc.certificate())
                .trustAnchors(List.of(pki.sm2Ca))
                .cipherSuites(suites)
                .clientAuth(ClientAuth.REQUIRED)
                // The listeners ask the revocation service; here the same hook is called on a chain no CRL covers.
                .revocationChecker(chain -> RevocationStatus.GOOD)
                .sessionCacheSize(1_000);
        if (tickets) {
            server.ticketKeys(TicketKeySet.generate());
        }
        TlcpContext serverContext = server.build();
        List<Kind> kinds = new ArrayList<>();
        // The time goes where the cost is: a full handshake per key exchange (with the listeners' most
        // preferred suite of it; the record protection of the others is a small share) and resumption.
        Set<TlcpCipherSuite.KeyExchange> seen = new LinkedHashSet<>();
        for (TlcpCipherSuite suite : suites) {
            if (!seen.add(suite.keyExchange())) {
                continue;
            }
            // Full handshakes: no peer host, so the client neither offers nor keeps a session.
            TlcpContext full = client(pki, suite, false).build();
            kinds.add(new Kind("tlcp-" + suite.name() + "-full",
                    () -> new SSLEngine[] {full.newClientEngine(null, -1), serverContext.newServerEngine()}));
        }
        // Resumed handshakes: the client caches its session per host:port and offers it again.
        TlcpCipherSuite first = suites.get(0);
        TlcpContext resuming = client(pki, first, tickets).build();
        kinds.add(new Kind("tlcp-" + first.name() + "-resumed",
                () -> new SSLEngine[] {resuming.newClientEngine(WarmUpPki.HOST, 1), serverContext.newServerEngine()}));
        return kinds;
    }

    private static TlcpContext.Builder client(WarmUpPki pki, TlcpCipherSuite suite, boolean tickets) {
        return TlcpContext.builder()
                .signing(pki.sm2ClientSign.privateKey(), pki.sm2ClientSign.chain())
                .encryption(pki.sm2ClientEnc.privateKey(), pki.sm2ClientEnc.certificate())
                .trustAnchors(List.of(pki.sm2Ca))
                .cipherSuites(List.of(suite))
                .allowNoHostname(true)
                .clientSessionTickets(tickets);
    }

    private static List<Kind> tlsKinds(WarmUpPki pki) throws Exception {
        Tls13ServerContexts server = Tls13ServerContexts.builder(Tls13ServerCredentials.of(
                        new ServerIdentity(pki.ecdsaServer, pki.sm2ServerSign)))
                .clientAuth(Tls13ClientAuth.of(io.netty.handler.ssl.ClientAuth.REQUIRE, List.of(pki.ecdsaCa),
                        List.of(pki.sm2Ca), chain -> RevocationStatus.GOOD))
                .build();
        Tls13EngineKind standard = server.standardProvider() == SslProvider.JDK
                ? Tls13EngineKind.STANDARD_JDK : Tls13EngineKind.STANDARD_OPENSSL;
        SslContext ecdsaClient = StandardTls13ClientContexts.netty(pki.ecdsaClient, List.of(pki.ecdsaCa),
                server.standardProvider());
        Sm2Tls13ClientEngines smClient = Sm2Tls13ClientEngines.create(pki.sm2ClientSign, List.of(pki.sm2Ca));
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("tls13-ecdsa-full", () -> new SSLEngine[] {
            ecdsaClient.newEngine(alloc, WarmUpPki.HOST, 1),
            server.newHandler(new Tls13Selection(WarmUpPki.HOST, standard), alloc).engine()}));
        kinds.add(new Kind("tls13-sm-full", () -> new SSLEngine[] {
            smClient.newEngine(WarmUpPki.HOST, 1),
            server.newHandler(new Tls13Selection(WarmUpPki.HOST, Tls13EngineKind.SM2_BOUNCYCASTLE), alloc).engine()}));
        return kinds;
    }
}
