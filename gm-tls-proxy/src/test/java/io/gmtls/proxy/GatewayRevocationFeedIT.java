package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import io.gmtls.tlcp.TlcpSession;
import io.netty.handler.ssl.SslContext;

/**
 * Issue 13, the gateway side: revocations pushed by the CA's feed (a fake SSE server on a real socket)
 * close live TLCP and TLS 1.3 connections through the gateway within a second and refuse new full and
 * resumed handshakes; a feed outage is caught up through Last-Event-ID; a resync replaces what the feed
 * taught; broken streams are dropped, counted and reopened; with the feed down the CRLs still revoke.
 */
class GatewayRevocationFeedIT {

    /** The bound from the event to the closed connection. */
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static ListAppender<ILoggingEvent> access;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Gateway gateway;
    PpEchoUpstream upstream;
    FakeFeedServer feed;

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
        if (feed != null) {
            feed.close();
        }
    }

    /** Starts the echo upstream, the fake feed and a gateway reading it; returns the listener's port. */
    private int start(GatewayFixture.Settings settings) throws Exception {
        upstream = PpEchoUpstream.start();
        feed = FakeFeedServer.start(GatewayFixture.FEED_KEY);
        settings.upstreams(upstream.port());
        settings.feedUrls.add(feed.url());
        gateway = Gateway.start(fixture.write(settings));
        return gateway.listenerAddress("mqtt").getPort();
    }

    private static TestClient tlcp(int port, TlcpContext context) throws InterruptedException {
        return TestClient.connect(port, () -> GatewayFixture.tlcpHandler(context, port));
    }

    private TestClient tlcp(int port, Vehicle vehicle) throws InterruptedException {
        return tlcp(port, fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3));
    }

    private static TestClient tls(int port, SslContext context) throws InterruptedException {
        return TestClient.connect(port, () -> GatewayFixture.tlsHandler(context, port));
    }

    /** A connection relaying both ways: an exchange through the echo upstream. */
    private TestClient relaying(TestClient client, String text) throws Exception {
        assertThat(client.handshakeSucceeded()).as("handshake").isTrue();
        client.send(text);
        client.awaitReceived(text, Duration.ofSeconds(10));
        upstream.nextFacts();
        return client;
    }

    /** True when a connection was refused: no handshake, or closed before relaying anything. */
    private static boolean refused(TestClient client) throws InterruptedException {
        if (!client.handshakeSucceeded()) {
            return true;
        }
        // TLS 1.3 lets the client finish its handshake before the server's verdict arrives.
        client.sendIfStillOpen("should-not-pass");
        return client.awaitClosed(Duration.ofSeconds(5)) && !client.received().contains("should-not-pass");
    }

    private String metrics() throws Exception {
        return get("/metrics").body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The metrics once they contain every fragment, or as they are after 10 s. */
    private String awaitMetrics(String... fragments) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text = metrics();
        while (System.nanoTime() - deadline < 0) {
            text = metrics();
            boolean all = true;
            for (String f : fragments) {
                all &= text.contains(f);
            }
            if (all) {
                return text;
            }
            Thread.sleep(20);
        }
        return text;
    }

    @Test
    void aFeedEventClosesLiveTlcpAndTls13ConnectionsWithinOneSecondAndRefusesNewAndResumedHandshakes()
            throws Exception {
        int port = start(new GatewayFixture.Settings());
        FakeFeedServer.Stream stream = feed.awaitStream(Duration.ofSeconds(10));
        assertThat(stream.lastEventId).as("first connection: no resume point").isNull();
        stream.send(FakeFeedServer.resync(100));

        Vehicle victim = fixture.vehicle(1);
        Vehicle bystander = fixture.vehicle(0);
        TlcpContext victimTlcp = fixture.tlcpClient(victim, TlcpCipherSuite.ECC_SM4_GCM_SM3);
        SslContext victimTls = fixture.jdkClient(victim);
        relaying(tlcp(port, victimTlcp), "warm-up").close();
        try (TestClient resumedBefore = tlcp(port, victimTlcp)) {
            relaying(resumedBefore, "resumes");
            assertThat(((TlcpSession) resumedBefore.ssl().engine().getSession()).resumed())
                    .as("the victim's TLCP session resumes before the revocation").isTrue();
        }
        relaying(tls(port, victimTls), "tls-warm-up").close();

        try (TestClient liveTlcp = relaying(tlcp(port, victimTlcp), "tlcp-live");
                TestClient liveTls = relaying(tls(port, victimTls), "tls-live");
                TestClient other = relaying(tlcp(port, bystander), "other")) {
            long emitted = System.nanoTime();
            stream.send(FakeFeedServer.revoked(101, victim.sign().certificate())
                    + FakeFeedServer.revoked(102, victim.ecdsa().certificate()));
            assertThat(liveTlcp.awaitClosed(ONE_SECOND)).as("live TLCP connection closed within 1 s").isTrue();
            assertThat(liveTls.awaitClosed(ONE_SECOND.minusNanos(System.nanoTime() - emitted).plusMillis(1)))
                    .as("live TLS 1.3 connection closed within 1 s of the event").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - emitted)).isLessThanOrEqualTo(ONE_SECOND);
            assertThat(other.isOpen()).as("another vehicle's connection stays").isTrue();
            other.send("still");
            other.awaitReceived("still", Duration.ofSeconds(10));
        }
        GatewayFixture.awaitAccessLine(access, "cn=" + victim.vin(), "protocol=TLCPv1.1", "close=certificate_revoked");
        GatewayFixture.awaitAccessLine(access, "cn=" + victim.vin(), "protocol=TLSv1.3", "close=certificate_revoked");

        try (TestClient resumed = tlcp(port, victimTlcp)) {
            assertThat(refused(resumed)).as("TLCP resumption of the revoked vehicle").isTrue();
        }
        try (TestClient full = tlcp(port, victim)) {
            assertThat(refused(full)).as("full TLCP handshake of the revoked vehicle").isTrue();
        }
        try (TestClient resumedTls = tls(port, victimTls)) {
            // The TLS 1.3 engines resume without asking the trust manager: the identity check right after
            // the handshake refuses it before a byte is relayed (closed, access reason certificate_revoked).
            assertThat(refused(resumedTls)).as("TLS 1.3 with the victim's cached session").isTrue();
        }
        try (TestClient fullTls = tls(port, fixture.jdkClient(victim))) {
            assertThat(refused(fullTls)).as("full TLS 1.3 handshake of the revoked vehicle").isTrue();
        }
        relaying(tlcp(port, bystander), "bystander-new").close();

        String metrics = awaitMetrics("gateway_revocation_feed_events_total{kind=\"revoked\"} 2.0",
                "gateway_revoked_connections_closed_total 3.0");
        assertThat(metrics).contains("gateway_revocation_feed_connected 1.0", "gateway_revocation_feed_seq 102.0",
                "gateway_revocation_feed_events_total{kind=\"resync\"} 1.0", "gateway_revocation_feed_lag_seconds",
                "gateway_revocation_feed_reconnects_total 0.0",
                // the two live connections and the resumed TLS 1.3 one (refused after its handshake)
                "gateway_revoked_connections_closed_total 3.0",
                "alert=\"certificate_revoked\"");
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"revocation_feed\":{\"connected\":true", "\"seq\":102",
                "\"url\":\"" + feed.url() + "\"").doesNotContain(GatewayFixture.FEED_KEY);
        assertThat(stream.apiKey).isEqualTo(GatewayFixture.FEED_KEY);
    }
}
