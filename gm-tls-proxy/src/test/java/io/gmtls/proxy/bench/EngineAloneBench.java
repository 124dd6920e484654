package io.gmtls.proxy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.proxy.tls.ServerIdentity;
import io.gmtls.proxy.tls.Tls13ClientAuth;
import io.gmtls.proxy.tls.Tls13EngineKind;
import io.gmtls.proxy.tls.Tls13Selection;
import io.gmtls.proxy.tls.Tls13ServerContexts;
import io.gmtls.proxy.tls.Tls13ServerCredentials;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;

/**
 * The engines alone, for {@code bench/edge.sh}: handshakes between a client and a server engine in
 * memory on one thread (no socket, no pipeline, no upstream), the server engine's CPU time per
 * handshake measured around its own calls (thread CPU time). Same certificates as the gateway run
 * (a certs-dev folder), client certificate required, revocation hook answering "good".
 *
 * <pre>
 * EngineAloneBench --pki DIR --seconds S [--kinds tlcp-ecc,tlcp-ecdhe,tlcp-resumed,tls13-sm,tls13-ecdsa]
 * </pre>
 * One line per kind: {@code kind=… handshakes=… server_cpu_ms_per_handshake=…}, after a warm-up (not
 * counted) of S seconds and 300 handshakes; each phase at least S seconds and (warm-up 300, measure 200)
 * handshakes, at most 10 × S seconds.
 */
public final class EngineAloneBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long serverCpuNanos;

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path pki = Path.of(o.getOrDefault("pki", "bench/work/pki"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "5"));
        List<String> kinds = List.of(o.getOrDefault("kinds", "tlcp-ecc,tlcp-ecdhe,tlcp-resumed,tls13-sm,tls13-ecdsa")
                .split(","));
        EngineAloneBench bench = new EngineAloneBench();
        for (String kind : kinds) {
            Pair pair = bench.pair(pki, kind);
            bench.run(pair, seconds, 300);
            bench.serverCpuNanos = 0;
            long n = bench.run(pair, seconds, 200);
            System.out.printf("kind=%s handshakes=%d server_cpu_ms_per_handshake=%.3f%n", kind, n,
                    bench.serverCpuNanos / 1e6 / Math.max(1, n));
        }
        System.exit(0);
    }

    @FunctionalInterface
    private interface Pair {
        SSLEngine[] make() throws Exception;
    }

    /** At least {@code seconds} and {@code min} handshakes (a slow machine), but no more than 10 × seconds. */
    private long run(Pair pair, double seconds, long min) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long cap = start + (long) (seconds * 10e9);
        long n = 0;
        while ((System.nanoTime() - end < 0 || n < min) && System.nanoTime() - cap < 0) {
            SSLEngine[] e = pair.make();
            try {
                handshake(e[0], e[1]);
            } finally {
                ReferenceCountUtil.release(e[0]);
                ReferenceCountUtil.release(e[1]);
            }
            n++;
        }
        return n;
    }

    private Pair pair(Path pki, String kind) throws Exception {
        Path vehicles = pki.resolve("sm2/vehicles");
        String vin;
        try (Stream<Path> files = Files.list(vehicles)) {
            vin = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-sign.crt")).sorted()
                    .findFirst().orElseThrow().replace("-sign.crt", "");
        }
        List<X509Certificate> sm2Trust = Pem.certificates(pki.resolve("sm2/trust.pem"));
        List<X509Certificate> ecdsaTrust = Pem.certificates(pki.resolve("ecdsa/trust.pem"));
        if (kind.startsWith("tlcp")) {
            TlcpCipherSuite suite = kind.equals("tlcp-ecdhe") ? TlcpCipherSuite.ECDHE_SM4_GCM_SM3 : TlcpCipherSuite.ECC_SM4_GCM_SM3;
            TlcpContext server = TlcpContext.builder()
                    .signing(Pem.privateKey(pki.resolve("sm2/gateway-sign.key")), Pem.certificates(pki.resolve("sm2/gateway-sign-chain.pem")))
                    .encryption(Pem.privateKey(pki.resolve("sm2/gateway-enc.key")), Pem.certificates(pki.resolve("sm2/gateway-enc.crt")).get(0))
                    .trustAnchors(sm2Trust).clientAuth(ClientAuth.REQUIRED)
                    .cipherSuites(TlcpContext.DEFAULT_SUITES)
                    .revocationChecker(chain -> RevocationStatus.GOOD).build();
            boolean resume = kind.equals("tlcp-resumed");
            TlcpContext client = TlcpContext.builder()
                    .signing(Pem.privateKey(vehicles.resolve(vin + "-sign.key")), Pem.certificates(vehicles.resolve(vin + "-sign.crt")))
                    .encryption(Pem.privateKey(vehicles.resolve(vin + "-enc.key")), Pem.certificates(vehicles.resolve(vin + "-enc.crt")).get(0))
                    .trustAnchors(sm2Trust).cipherSuites(List.of(suite)).allowNoHostname(true).hostnameVerification(false)
                    .clientSessionTickets(false).build();
            return resume ? () -> new SSLEngine[] {client.newClientEngine("gateway", 1), server.newServerEngine()}
                    : () -> new SSLEngine[] {client.newClientEngine(null, -1), server.newServerEngine()};
        }
        CertificateCredential ecdsa = Pem.credential(pki.resolve("ecdsa/gateway-chain.pem"), pki.resolve("ecdsa/gateway.key"), null);
        CertificateCredential sm2 = Pem.credential(pki.resolve("sm2/gateway-tls13-chain.pem"), pki.resolve("sm2/gateway-tls13.key"), null);
        Tls13ServerContexts server = Tls13ServerContexts.builder(Tls13ServerCredentials.of(new ServerIdentity(ecdsa, sm2)))
                .clientAuth(Tls13ClientAuth.of(io.netty.handler.ssl.ClientAuth.REQUIRE, ecdsaTrust, sm2Trust,
                        chain -> RevocationStatus.GOOD))
                .build();
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        if (kind.equals("tls13-sm")) {
            Sm2Tls13ClientEngines client = Sm2Tls13ClientEngines.create(Pem.credential(vehicles.resolve(vin + "-sign.crt"),
                    vehicles.resolve(vin + "-sign.key"), null), sm2Trust);
            return () -> new SSLEngine[] {client.newEngine("localhost", 1),
                server.newHandler(new Tls13Selection("localhost", Tls13EngineKind.SM2_BOUNCYCASTLE), alloc).engine()};
        }
        Tls13EngineKind standard = server.standardProvider() == io.netty.handler.ssl.SslProvider.JDK
                ? Tls13EngineKind.STANDARD_JDK : Tls13EngineKind.STANDARD_OPENSSL;
        var client = io.gmtls.crypto.tls.StandardTls13ClientContexts.netty(Pem.credential(
                pki.resolve("ecdsa/vehicles/" + vin + ".crt"), pki.resolve("ecdsa/vehicles/" + vin + ".key"), null),
                ecdsaTrust, server.standardProvider());
        return () -> new SSLEngine[] {client.newEngine(alloc, "localhost", 1),
            server.newHandler(new Tls13Selection("localhost", standard), alloc).engine()};
    }

    // ---- in-memory handshake, the server's calls timed (thread CPU)

    private final ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer app = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer empty = ByteBuffer.allocate(0);

    private void handshake(SSLEngine client, SSLEngine server) throws Exception {
        c2s.clear();
        s2c.clear();
        client.beginHandshake();
        timed(() -> server.beginHandshake(), true);
        for (int steps = 0; handshaking(client) || handshaking(server); steps++) {
            if (steps > 64) {
                throw new IllegalStateException("handshake did not end");
            }
            step(client, c2s, s2c, false);
            step(server, s2c, c2s, true);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private void timed(Call call, boolean server) throws Exception {
        long t0 = server ? THREADS.getCurrentThreadCpuTime() : 0;
        call.run();
        if (server) {
            serverCpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
        }
    }

    private static boolean handshaking(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s != HandshakeStatus.NOT_HANDSHAKING && s != HandshakeStatus.FINISHED;
    }

    private void step(SSLEngine e, ByteBuffer out, ByteBuffer in, boolean server) throws Exception {
        in.flip();
        while (in.hasRemaining()) {
            app.clear();
            SSLEngineResult[] r = new SSLEngineResult[1];
            timed(() -> {
                r[0] = e.unwrap(in, app);
                Runnable t;
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
            }, server);
            if (r[0].getStatus() != SSLEngineResult.Status.OK || (r[0].bytesConsumed() == 0 && r[0].bytesProduced() == 0)) {
                break;
            }
        }
        in.compact();
        if (!handshaking(e)) {
            return;
        }
        SSLEngineResult[] r = new SSLEngineResult[1];
        do {
            timed(() -> {
                r[0] = e.wrap(empty, out);
                Runnable t;
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
            }, server);
        } while (r[0].getStatus() == SSLEngineResult.Status.OK && r[0].bytesProduced() > 0
                && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
    }
}
