package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslContext;

/** The gateway under failures: upstreams down and back, slow handshakes, limits, revocation, bad reloads. */
class GatewayFailureIT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static ListAppender<ILoggingEvent> access;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Gateway gateway;
    PpEchoUpstream upstream;

    @BeforeAll
    static void pki() throws Exception {
        fixture = new GatewayFixture(dir);
        access = GatewayFixture.captureAccessLog();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown(Duration.ofMillis(200));
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private int start(GatewayFixture.Settings settings) throws Exception {
        gateway = Gateway.start(fixture.write(settings));
        return gateway.listenerAddress("mqtt").getPort();
    }

    private TestClient tlcp(int port, Vehicle vehicle) throws InterruptedException {
        TlcpContext context = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
        return TestClient.connect(port, () -> GatewayFixture.tlcpHandler(context, port));
    }

    private static int deadPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String metrics() throws Exception {
        return get("/metrics").body();
    }

    /**
     * The metrics once they contain {@code fragment}, or as they are after 10 s: for a meter counted off
     * the client's path (after the close it sees), which may lag behind what the client observed.
     */
    private String awaitMetrics(String fragment) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String metrics = metrics();
        while (!metrics.contains(fragment) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            metrics = metrics();
        }
        return metrics;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void upstreamDownTheNextOneServes() throws Exception {
        upstream = PpEchoUpstream.start();
        // Health checks far apart: the connect failure itself must make the gateway try the next server.
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(deadPort(), upstream.port());
        s.healthInterval = "1h";
        s.fall = 3;
        int port = start(s);
        for (int i = 0; i < 2; i++) {
            try (TestClient c = tlcp(port, fixture.vehicle(0))) {
                c.send("ping" + i);
                c.awaitReceived("ping" + i, Duration.ofSeconds(10));
            }
        }
        assertThat(metrics()).contains("gateway_upstream_connect_failures_total{group=\"brokers\"");
    }

    @Test
    void allUpstreamsDownTheClientIsClosedPromptlyAndLogged() throws Exception {
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(deadPort(), deadPort());
        s.healthInterval = "1h";
        int port = start(s);
        try (TestClient c = tlcp(port, fixture.vehicle(0))) {
            long t0 = System.nanoTime();
            assertThat(c.awaitClosed(Duration.ofSeconds(3))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
        String line = GatewayFixture.awaitAccessLine(access, "close=no_upstream", "cn=" + fixture.vehicle(0).vin());
        assertThat(line).contains("upstream=-");
        assertThat(metrics()).contains("gateway_connections_refused_total{listener=\"mqtt\",reason=\"no_upstream\"}");
    }

    @Test
    void upstreamBackIsUsedAgainAfterTheHealthCheck() throws Exception {
        upstream = PpEchoUpstream.start();
        int upstreamPort = upstream.port();
        int port = start(new GatewayFixture.Settings().upstreams(upstreamPort));
        upstream.stop();
        awaitHealth(false);
        try (TestClient c = tlcp(port, fixture.vehicle(0))) {
            assertThat(c.awaitClosed(Duration.ofSeconds(3))).isTrue();
        }
        upstream.bind(upstreamPort);
        awaitHealth(true);
        try (TestClient c = tlcp(port, fixture.vehicle(0))) {
            c.send("back");
            c.awaitReceived("back", Duration.ofSeconds(10));
        }
    }

    private void awaitHealth(boolean up) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            HttpResponse<String> health = get("/health");
            if ((health.statusCode() == 200) == up) {
                assertThat(health.body()).contains(up ? "\"status\":\"UP\"" : "\"status\":\"DOWN\"");
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("health never became " + (up ? "UP" : "DOWN"));
    }

    @Test
    void slowHandshakeIsClosedAtTheTimeout() throws Exception {
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.handshakeTimeout = "300ms";
        int port = start(s);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            // A TLCP record header and part of a ClientHello, then silence.
            socket.getOutputStream().write(new byte[] {0x16, 0x01, 0x01, 0x00, 0x40, 0x01, 0x00});
            long t0 = System.nanoTime();
            InputStream in = socket.getInputStream();
            int read;
            do {
                read = in.read();
            } while (read >= 0);
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertThat(ms).isBetween(200L, 3_000L);
        }
        GatewayFixture.awaitAccessLine(access, "close=handshake_timeout");
        assertThat(metrics()).contains("reason=\"handshake_timeout\"");
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws Exception {
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.maxConnections = 2;
        int port = start(s);
        try (TestClient a = tlcp(port, fixture.vehicle(0)); TestClient b = tlcp(port, fixture.vehicle(1))) {
            assertThat(a.handshakeSucceeded()).isTrue();
            assertThat(b.handshakeSucceeded()).isTrue();
            try (Socket third = new Socket("127.0.0.1", port)) {
                third.setSoTimeout(5_000);
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            a.send("still-served");
            a.awaitReceived("still-served", Duration.ofSeconds(10));
        }
        assertThat(metrics()).contains("gateway_connections_refused_total{listener=\"mqtt\",reason=\"max_connections\"} 1.0");
    }

    @Test
    void certificateRevokedByAnUpdatedCrlClosesTheLiveConnectionAndFailsNewHandshakes() throws Exception {
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.watch = true;
        int port = start(s);
        Vehicle victim = fixture.vehicle(1);
        try (TestClient live = tlcp(port, victim); TestClient other = tlcp(port, fixture.vehicle(0))) {
            live.send("before");
            live.awaitReceived("before", Duration.ofSeconds(10));
            List<BigInteger> revoked = List.of(fixture.pki.revokedVehicle().sign().certificate().getSerialNumber(),
                    fixture.pki.revokedVehicle().enc().certificate().getSerialNumber(),
                    victim.sign().certificate().getSerialNumber());
            Crls.write(fixture.pkiDir.resolve("sm2/issuing-ca.crl"), fixture.pki.sm2Issuing(), revoked);

            assertThat(live.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(other.isOpen()).isTrue();
            GatewayFixture.awaitAccessLine(access, "cn=" + victim.vin(), "close=certificate_revoked");
            try (TestClient again = tlcp(port, victim)) {
                assertThat(again.handshakeSucceeded()).isFalse();
            }
            // Counted by the CRL reload thread after it handed the close to the connection's event loop.
            assertThat(awaitMetrics("gateway_revoked_connections_closed_total 1.0"))
                    .contains("gateway_revoked_connections_closed_total 1.0");
        } finally {
            Crls.write(fixture.pkiDir.resolve("sm2/issuing-ca.crl"), fixture.pki.sm2Issuing(),
                    List.of(fixture.pki.revokedVehicle().sign().certificate().getSerialNumber(),
                            fixture.pki.revokedVehicle().enc().certificate().getSerialNumber()));
        }
    }

    @Test
    void revokedVehicleIsRefusedAtTheHandshake() throws Exception {
        upstream = PpEchoUpstream.start();
        int port = start(new GatewayFixture.Settings().upstreams(upstream.port()));
        try (TestClient c = tlcp(port, fixture.pki.revokedVehicle())) {
            assertThat(c.handshakeSucceeded()).isFalse();
        }
        assertThat(upstream.pollFacts(Duration.ofMillis(200))).isNull();
        assertThat(metrics()).contains("alert=\"certificate_revoked\"");
    }

    @Test
    void reloadWithABrokenCertificateKeepsTheOldOneServingAndLogsTheKey() throws Exception {
        upstream = PpEchoUpstream.start();
        Path chain = dir.resolve("tls-chain.pem");
        Path key = dir.resolve("tls.key");
        Files.copy(fixture.pkiDir.resolve("ecdsa/gateway-chain.pem"), chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(fixture.pkiDir.resolve("ecdsa/gateway.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.tlsCertChain = chain.toString();
        s.tlsCertKey = key.toString();
        int port = start(s);
        SslContext jdk = fixture.jdkClient(fixture.vehicle(0));
        try (TestClient live = TestClient.connect(port, () -> GatewayFixture.tlsHandler(jdk, port))) {
            live.send("one");
            live.awaitReceived("one", Duration.ofSeconds(10));

            Files.writeString(chain, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.adminAddress().getPort() + "/admin/reload")).POST(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + GatewayFixture.ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reload.statusCode()).isEqualTo(422);
            assertThat(reload.body()).contains("gateway.yaml: listeners[0].tls.certificates[0]", "tls-chain.pem");

            live.send("two");
            live.awaitReceived("two", Duration.ofSeconds(10));
            try (TestClient fresh = TestClient.connect(port, () -> GatewayFixture.tlsHandler(jdk, port))) {
                fresh.send("three");
                fresh.awaitReceived("three", Duration.ofSeconds(10));
            }
            assertThat(metrics()).contains("gateway_reloads_total{result=\"failure\"} 1.0");

            Files.copy(fixture.pkiDir.resolve("ecdsa/gateway-chain.pem"), chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(gateway.reload()).isNull();
            assertThat(live.isOpen()).isTrue();
        }
    }

    @Test
    void gracefulShutdownStopsAcceptingAndDrainsLiveConnections() throws Exception {
        upstream = PpEchoUpstream.start();
        int port = start(new GatewayFixture.Settings().upstreams(upstream.port()));
        TestClient live = tlcp(port, fixture.vehicle(0));
        live.send("a");
        live.awaitReceived("a", Duration.ofSeconds(10));
        Gateway g = gateway;
        gateway = null;
        Thread drain = new Thread(() -> g.shutdown(Duration.ofSeconds(20)));
        long t0 = System.nanoTime();
        drain.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean refused = false;
        while (!refused && System.nanoTime() - deadline < 0) {
            try {
                new Socket("127.0.0.1", port).close();
                Thread.sleep(10);
            } catch (java.net.ConnectException e) {
                refused = true;
            } catch (java.io.IOException e) {
                // reset: this one was still in the accept queue when the listener closed
            }
        }
        assertThat(refused).as("new connections refused while draining").isTrue();
        live.send("b");
        live.awaitReceived("ab", Duration.ofSeconds(10));
        live.close();
        drain.join(10_000);
        assertThat(drain.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void metricsAndHealthEndpoints() throws Exception {
        upstream = PpEchoUpstream.start();
        int port = start(new GatewayFixture.Settings().upstreams(upstream.port()));
        try (TestClient c = tlcp(port, fixture.vehicle(0))) {
            c.send("m");
            c.awaitReceived("m", Duration.ofSeconds(10));
        }
        String metrics = metrics();
        assertThat(metrics).contains("gateway_connections_open{listener=\"mqtt\"}",
                "gateway_handshakes_total{kind=\"full\",listener=\"mqtt\",protocol=\"TLCPv1.1\",result=\"success\",suite=\"ECC-SM2-SM4-GCM-SM3\"}",
                "gateway_handshake_duration_seconds_bucket", "gateway_bytes_total{direction=\"in\",listener=\"mqtt\"}",
                "gateway_upstream_up{group=\"brokers\"", "gateway_crl_age_seconds{crl=\"sm2-issuing\"}");
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"brokers\":{\"healthy\":1,\"servers\":1}");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(new String(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.adminAddress().getPort() + "/admin/reload")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8)).contains("POST only");
    }
}
