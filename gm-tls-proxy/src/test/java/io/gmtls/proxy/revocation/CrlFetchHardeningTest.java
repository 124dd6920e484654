package io.gmtls.proxy.revocation;

import io.gmtls.testsupport.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.proxy.Crls;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.gmtls.proxy.config.RevocationConfig.ExpiredCrl;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.tlcp.RevocationStatus;

/**
 * CRL refreshes under a hostile or broken CRL server (issue 11, items 2 and 13): every fetch is bounded
 * in time, one stalled URL delays no other CRL, the last good CRL is kept until its nextUpdate and then
 * fails closed, and no refresh — sequential or concurrent — installs an older CRL than the one in use.
 * The servers are real sockets on loopback.
 */
class CrlFetchHardeningTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static Path sm2Issuer;
    static Path ecdsaIssuer;

    final GatewayMetrics metrics = new GatewayMetrics();
    final MovableClock clock = new MovableClock(Instant.now());
    final RevocationService service = new RevocationService(new LiveConnections(), metrics, clock);
    ScriptedCrlServer server;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(2));
        sm2Issuer = dir.resolve("pki/sm2/issuing-ca.crt");
        ecdsaIssuer = dir.resolve("pki/ecdsa/issuing-ca.crt");
    }

    @AfterEach
    void close() throws IOException {
        service.close();
        if (server != null) {
            server.close();
        }
    }

    // ---- item 2: bounded fetches, independent of each other, fail closed after nextUpdate ----

    @Test
    void aTricklingCrlUrlIsCutAtTheFetchTimeoutAndDoesNotDelayTheOtherCrls() throws Exception {
        server = new ScriptedCrlServer();
        server.answer = Answer.crl(Files.readAllBytes(dir.resolve("pki/sm2/issuing-ca.crl")));
        Path ecdsaCrl = dir.resolve("trickle-ecdsa.crl");
        Files.copy(dir.resolve("pki/ecdsa/issuing-ca.crl"), ecdsaCrl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofSeconds(1), ExpiredCrl.FAIL_CLOSED, List.of(
                        new CrlConfig("sm2-http", Optional.empty(), Optional.of(server.url()), sm2Issuer),
                        new CrlConfig("ecdsa-file", Optional.of(ecdsaCrl), Optional.empty(), ecdsaIssuer)));
        service.apply(service.prepare(dir.resolve("gateway.yaml"), config));
        assertThat(service.status(pki.revokedVehicle().sign().chain())).isEqualTo(RevocationStatus.REVOKED);

        // The HTTP source now sends its headers and then one body byte every 300 ms: each read succeeds
        // within the read timeout, only the total bound can end it. Meanwhile the file CRL revokes a vehicle.
        server.answer = Answer.TRICKLE;
        X509Certificate victim = pki.vehicles().get(0).ecdsa().certificate();
        Crls.write(ecdsaCrl, pki.ecdsaIssuing(), List.of(victim.getSerialNumber()));
        long t0 = System.nanoTime();
        Thread refresh = new Thread(service::refreshAll, "test-refresh");
        refresh.start();

        awaitStatus(pki.vehicles().get(0).ecdsa().chain(), RevocationStatus.REVOKED, Duration.ofMillis(2_000));
        assertThat(refresh.isAlive()).as("the trickling fetch is still running while the file CRL is in").isTrue();

        refresh.join(10_000);
        assertThat(refresh.isAlive()).as("refreshAll returned").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(2_500), Duration.ofSeconds(7));
        assertThat(metrics.scrape()).contains("gateway_crl_refresh_failures_total{crl=\"sm2-http\"} 1.0");
        // The last good CRL stays in use (its nextUpdate has not passed).
        assertThat(service.status(pki.revokedVehicle().sign().chain())).isEqualTo(RevocationStatus.REVOKED);
        assertThat(service.status(pki.vehicles().get(1).sign().chain())).isEqualTo(RevocationStatus.GOOD);
    }

    @Test
    void aCrlUrlThatAcceptsAndNeverAnswersFailsAtTheTimeoutAndIsCounted() throws Exception {
        server = new ScriptedCrlServer();
        server.answer = Answer.SILENCE;
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), ExpiredCrl.FAIL_CLOSED,
                List.of(new CrlConfig("silent", Optional.empty(), Optional.of(server.url()), sm2Issuer)));
        long t0 = System.nanoTime();
        service.apply(service.prepare(dir.resolve("gateway.yaml"), config));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(server.accepted.get()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.scrape()).contains("gateway_crl_refresh_failures_total{crl=\"silent\"} 1.0");
        assertThat(service.status(pki.vehicles().get(0).sign().chain())).isEqualTo(RevocationStatus.UNKNOWN);
    }

    @Test
    void theLastGoodCrlIsKeptUntilItsNextUpdateThenItsIssuersClientsAreRefused() throws Exception {
        Path file = dir.resolve("expiring.crl");
        Instant now = clock.instant();
        Crls.write(file, Crls.der(pki.sm2Issuing(), List.of(pki.revokedVehicle().sign().certificate().getSerialNumber()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), BigInteger.ONE));
        service.apply(service.prepare(dir.resolve("gateway.yaml"), fileConfig(file, ExpiredCrl.FAIL_CLOSED)));
        List<X509Certificate> good = pki.vehicles().get(0).sign().chain();
        assertThat(service.status(good)).isEqualTo(RevocationStatus.GOOD);

        Files.delete(file);
        service.refreshAll();
        assertThat(service.status(good)).as("refresh failed, CRL still current").isEqualTo(RevocationStatus.GOOD);

        clock.set(now.plus(Duration.ofHours(1)).plusSeconds(1));
        assertThat(service.status(good)).as("past nextUpdate").isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(service.status(pki.revokedVehicle().sign().chain())).isEqualTo(RevocationStatus.REVOKED);
    }

    @Test
    void anExpiredCrlIsStillUsedWhenConfiguredToKeepUsingIt() throws Exception {
        Path file = dir.resolve("expiring-keep.crl");
        Instant now = clock.instant();
        Crls.write(file, Crls.der(pki.sm2Issuing(), List.of(pki.revokedVehicle().sign().certificate().getSerialNumber()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), BigInteger.ONE));
        service.apply(service.prepare(dir.resolve("gateway.yaml"), fileConfig(file, ExpiredCrl.KEEP_USING)));
        clock.set(now.plus(Duration.ofHours(2)));
        assertThat(service.status(pki.vehicles().get(0).sign().chain())).isEqualTo(RevocationStatus.GOOD);
        assertThat(service.status(pki.revokedVehicle().sign().chain())).isEqualTo(RevocationStatus.REVOKED);
    }

    // ---- item 13: never an older CRL ----

    @Test
    void aCrlWithALowerCrlNumberNeverReplacesTheOneInUse() throws Exception {
        Path file = dir.resolve("numbered.crl");
        Date thisUpdate = Date.from(clock.instant().minusSeconds(30));
        Date nextUpdate = Date.from(clock.instant().plus(Duration.ofHours(1)));
        BigInteger first = pki.vehicles().get(0).sign().certificate().getSerialNumber();
        BigInteger second = pki.vehicles().get(1).sign().certificate().getSerialNumber();
        // Two CRLs issued in the same second: #6 revokes both vehicles, #5 (older) only the first.
        byte[] crl6 = Crls.der(pki.sm2Issuing(), List.of(first, second), thisUpdate, nextUpdate, BigInteger.valueOf(6));
        byte[] crl5 = Crls.der(pki.sm2Issuing(), List.of(first), thisUpdate, nextUpdate, BigInteger.valueOf(5));
        Crls.write(file, crl6);
        service.apply(service.prepare(dir.resolve("gateway.yaml"), fileConfig(file, ExpiredCrl.FAIL_CLOSED)));
        assertThat(service.status(pki.vehicles().get(1).sign().chain())).isEqualTo(RevocationStatus.REVOKED);

        Crls.write(file, crl5);
        service.refreshAll();
        assertThat(service.status(pki.vehicles().get(1).sign().chain())).isEqualTo(RevocationStatus.REVOKED);
        assertThat(metrics.scrape()).contains("gateway_crl_refresh_failures_total{crl=\"sm2\"} 1.0");
    }

    @Test
    void aSlowerConcurrentRefreshNeverInstallsTheOlderCrlItFetched() throws Exception {
        Date thisUpdate = Date.from(clock.instant().minusSeconds(30));
        Date nextUpdate = Date.from(clock.instant().plus(Duration.ofHours(1)));
        BigInteger first = pki.vehicles().get(0).sign().certificate().getSerialNumber();
        BigInteger second = pki.vehicles().get(1).sign().certificate().getSerialNumber();
        byte[] crl4 = Crls.der(pki.sm2Issuing(), List.of(), thisUpdate, nextUpdate, BigInteger.valueOf(4));
        byte[] crl5 = Crls.der(pki.sm2Issuing(), List.of(first), thisUpdate, nextUpdate, BigInteger.valueOf(5));
        byte[] crl6 = Crls.der(pki.sm2Issuing(), List.of(first, second), thisUpdate, nextUpdate, BigInteger.valueOf(6));
        server = new ScriptedCrlServer();
        server.answer = Answer.crl(crl4);
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(10), ExpiredCrl.FAIL_CLOSED,
                List.of(new CrlConfig("sm2", Optional.empty(), Optional.of(server.url()), sm2Issuer)));
        service.apply(service.prepare(dir.resolve("gateway.yaml"), config));

        // Refresh A gets #5 but only after refresh B fetched and installed #6 (a CA publishing twice in
        // a second, the first answer delayed on its way).
        CountDownLatch release = new CountDownLatch(1);
        server.answer = Answer.delayedCrl(crl5, release);
        Thread a = new Thread(service::refreshAll, "refresh-a");
        a.start();
        server.awaitRequests(2, Duration.ofSeconds(5));
        server.answer = Answer.crl(crl6);
        Thread b = new Thread(service::refreshAll, "refresh-b");
        b.start();
        b.join(10_000);
        assertThat(service.status(pki.vehicles().get(1).sign().chain())).as("#6 in").isEqualTo(RevocationStatus.REVOKED);
        release.countDown();
        a.join(10_000);
        assertThat(a.isAlive()).isFalse();
        assertThat(service.status(pki.vehicles().get(1).sign().chain())).as("#6 still in").isEqualTo(RevocationStatus.REVOKED);
    }

    // ---- support ----

    private RevocationConfig fileConfig(Path file, ExpiredCrl expired) {
        return new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(2), expired, List.of(new CrlConfig("sm2", Optional.of(file), Optional.empty(), sm2Issuer)));
    }

    private void awaitStatus(List<X509Certificate> chain, RevocationStatus expected, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (service.status(chain) != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(service.status(chain)).isEqualTo(expected);
    }


    /** What the scripted server does with one request. */
    interface Answer {
        void write(Socket socket) throws Exception;

        /** Accepts, reads the request, never answers. */
        Answer SILENCE = socket -> Thread.sleep(60_000);

        /** Headers at once, then one body byte every 300 ms. */
        Answer TRICKLE = socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 200; i++) {
                out.write(0x30);
                out.flush();
                Thread.sleep(300);
            }
        };

        static Answer crl(byte[] der) {
            return socket -> {
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nConnection: close\r\nContent-Length: "
                        + der.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(der);
                out.flush();
            };
        }

        static Answer delayedCrl(byte[] der, CountDownLatch release) {
            return socket -> {
                release.await(20, TimeUnit.SECONDS);
                crl(der).write(socket);
            };
        }
    }

    /** A raw HTTP/1.1 server on loopback whose answer the test switches; one thread per connection. */
    static final class ScriptedCrlServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final List<Socket> open = new CopyOnWriteArrayList<>();
        volatile Answer answer;

        ScriptedCrlServer() throws IOException {
            Thread acceptor = new Thread(this::acceptLoop, "crl-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/issuing.crl");
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "crl-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                Answer current = answer;
                readRequestHead(s.getInputStream());
                requests.incrementAndGet();
                current.write(s);
            } catch (Exception e) {
                // the client gave up (closed its side): what the fetch timeout is for
            }
        }

        void awaitRequests(int n, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (requests.get() < n && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertThat(requests.get()).isGreaterThanOrEqualTo(n);
        }

        private static void readRequestHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int total = 0; total < 16 * 1024; total++) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    return;
                }
            }
            throw new IOException("request head too long");
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
