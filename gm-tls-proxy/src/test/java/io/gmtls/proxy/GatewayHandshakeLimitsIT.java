package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;

/**
 * Connections still in their handshake have their own, smaller limits, in total and per source address
 * (issue 11, item 12): stalled handshakes can't use up the budget of established connections, refusals
 * are counted by reason. Real sockets; stalled handshakes are a TLCP record header and part of a
 * ClientHello followed by silence.
 */
class GatewayHandshakeLimitsIT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Gateway gateway;
    PpEchoUpstream upstream;

    @BeforeAll
    static void pki() throws Exception {
        fixture = new GatewayFixture(dir);
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

    private int start(int maxHandshakes, int maxHandshakesPerSource) throws Exception {
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.maxConnections = 10;
        s.maxHandshakes = maxHandshakes;
        s.maxHandshakesPerSource = maxHandshakesPerSource;
        s.handshakeTimeout = "20s";
        gateway = Gateway.start(fixture.write(s));
        return gateway.listenerAddress("mqtt").getPort();
    }

    @Test
    void stalledHandshakesAreCappedBelowTheConnectionLimitAndEstablishedConnectionsKeepServing() throws Exception {
        int port = start(2, 2);
        TlcpContext client = fixture.tlcpClient(fixture.vehicle(0), TlcpCipherSuite.ECC_SM4_GCM_SM3);
        try (TestClient established = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            assertThat(established.handshakeSucceeded()).isTrue();
            Socket first = stalledHandshake(port, null);
            Socket second = stalledHandshake(port, null);
            awaitMetric("gateway_connections_handshaking{listener=\"mqtt\"} 2.0");
            try (Socket third = stalledHandshake(port, null)) {
                assertClosedWithin(third, Duration.ofSeconds(3));
            }
            assertThat(metrics()).contains(
                    "gateway_connections_refused_total{listener=\"mqtt\",reason=\"max_handshakes\"} 1.0");
            established.send("still-served");
            established.awaitReceived("still-served", Duration.ofSeconds(10));

            // A freed slot admits a real handshake again; once done it holds no slot.
            first.close();
            awaitMetric("gateway_connections_handshaking{listener=\"mqtt\"} 1.0");
            TlcpContext other = fixture.tlcpClient(fixture.vehicle(1), TlcpCipherSuite.ECC_SM4_GCM_SM3);
            try (TestClient next = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(other, port))) {
                assertThat(next.handshakeSucceeded()).isTrue();
                next.send("next");
                next.awaitReceived("next", Duration.ofSeconds(10));
                awaitMetric("gateway_connections_handshaking{listener=\"mqtt\"} 1.0");
            }
            second.close();
            awaitMetric("gateway_connections_handshaking{listener=\"mqtt\"} 0.0");
        }
    }

    @Test
    void handshakesPerSourceAreCappedWhileOtherSourcesStillHandshake() throws Exception {
        int port = start(4, 1);
        try (Socket stalled = stalledHandshake(port, null)) {
            awaitMetric("gateway_connections_handshaking{listener=\"mqtt\"} 1.0");
            try (Socket again = stalledHandshake(port, null)) {
                assertClosedWithin(again, Duration.ofSeconds(3));
            }
            assertThat(metrics()).contains(
                    "gateway_connections_refused_total{listener=\"mqtt\",reason=\"max_handshakes_per_source\"} 1.0");
            // Another source address (loopback 127.0.0.2) still gets its handshake.
            TlcpContext client = fixture.tlcpClient(fixture.vehicle(0), TlcpCipherSuite.ECC_SM4_GCM_SM3);
            try (TestClient other = TestClient.connect(new InetSocketAddress("127.0.0.1", port),
                    new InetSocketAddress("127.0.0.2", 0), () -> GatewayFixture.tlcpHandler(client, port))) {
                assertThat(other.handshakeSucceeded()).isTrue();
                other.send("other-source");
                other.awaitReceived("other-source", Duration.ofSeconds(10));
            }
        }
    }

    /** A connection that starts a TLCP handshake and then says nothing more. */
    private static Socket stalledHandshake(int port, InetAddress local) throws IOException {
        Socket socket = local == null ? new Socket("127.0.0.1", port) : new Socket("127.0.0.1", port, local, 0);
        socket.getOutputStream().write(new byte[] {0x16, 0x01, 0x01, 0x00, 0x40, 0x01, 0x00});
        socket.getOutputStream().flush();
        return socket;
    }

    /** The gateway closed the connection (end of stream or reset) within the time. */
    private static void assertClosedWithin(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        long t0 = System.nanoTime();
        int read;
        try {
            read = in.read();
        } catch (java.net.SocketException e) {
            read = -1; // reset: closed as well
        }
        assertThat(read).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(within);
    }

    private String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort()
                + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitMetric(String fragment) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String metrics = metrics();
        while (!metrics.contains(fragment) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            metrics = metrics();
        }
        assertThat(metrics).contains(fragment);
    }
}
