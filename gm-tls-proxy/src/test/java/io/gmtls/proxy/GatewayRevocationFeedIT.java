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

    @Test
    void aRevocationEmittedWhileTheStreamIsDownIsAppliedOnReconnectThroughLastEventId() throws Exception {
        int port = start(new GatewayFixture.Settings());
        FakeFeedServer.Stream first = feed.awaitStream(Duration.ofSeconds(10));
        first.send(FakeFeedServer.resync(10));
        Vehicle victim = fixture.vehicle(1);
        try (TestClient live = relaying(tlcp(port, victim), "before-outage")) {
            awaitMetrics("gateway_revocation_feed_seq 10.0");
            // The CA becomes unreachable and the stream drops; the revocation happens meanwhile.
            feed.refuseWith = 503;
            first.end();
            awaitMetrics("gateway_revocation_feed_stream_errors_total{reason=\"http\"}");
            assertThat(live.isOpen()).as("nothing revoked it yet").isTrue();
            feed.refuseWith = 0;

            FakeFeedServer.Stream second = feed.awaitStream(Duration.ofSeconds(10));
            long reconnected = System.nanoTime();
            assertThat(second.lastEventId).as("resumes after the last applied event").isEqualTo("10");
            // What the CA sends a stream resuming after 10: the event emitted during the outage.
            second.send(FakeFeedServer.revoked(11, victim.sign().certificate()));
            assertThat(live.awaitClosed(ONE_SECOND)).as("caught up within 1 s of the reconnect").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - reconnected)).isLessThanOrEqualTo(ONE_SECOND);
        }
        try (TestClient again = tlcp(port, victim)) {
            assertThat(refused(again)).isTrue();
        }
        assertThat(awaitMetrics("gateway_revocation_feed_seq 11.0")).contains("gateway_revocation_feed_seq 11.0")
                .containsPattern("gateway_revocation_feed_reconnects_total [1-9]");
    }

    @Test
    void unrevokedRemovesOnlyTheFeedsEntryAndAResyncReplacesTheWholeLearntSet() throws Exception {
        int port = start(new GatewayFixture.Settings());
        Vehicle a = fixture.vehicle(0);
        Vehicle b = fixture.vehicle(1);
        FakeFeedServer.Stream first = feed.awaitStream(Duration.ofSeconds(10));
        first.send(FakeFeedServer.resync(10, a.sign().certificate()));
        awaitMetrics("gateway_revocation_feed_seq 10.0");
        // A reload that leaves the feed section as it is keeps the stream (and what it taught).
        assertThat(gateway.reload()).isNull();
        assertThat(feed.pollStream(Duration.ofMillis(500))).as("no new stream after the reload").isNull();
        try (TestClient c = tlcp(port, a)) {
            assertThat(refused(c)).as("revoked by the resync").isTrue();
        }
        first.send(FakeFeedServer.unrevoked(11, a.sign().certificate()));
        awaitMetrics("gateway_revocation_feed_seq 11.0");
        relaying(tlcp(port, a), "released").close();
        // A certificate the CRL revokes stays revoked whatever the feed says about it.
        first.send(FakeFeedServer.unrevoked(12, fixture.pki.revokedVehicle().sign().certificate()));
        awaitMetrics("gateway_revocation_feed_seq 12.0");
        try (TestClient c = tlcp(port, fixture.pki.revokedVehicle())) {
            assertThat(refused(c)).as("still on the CRL").isTrue();
        }
        first.send(FakeFeedServer.revoked(13, a.sign().certificate()));
        awaitMetrics("gateway_revocation_feed_seq 13.0");

        try (TestClient liveB = relaying(tlcp(port, b), "b-live")) {
            first.end();
            FakeFeedServer.Stream second = feed.awaitStream(Duration.ofSeconds(10));
            assertThat(second.lastEventId).isEqualTo("13");
            // E.g. the CA's database was restored: its resync is the whole truth, older seq and all.
            long sent = System.nanoTime();
            second.send(FakeFeedServer.resync(5, b.sign().certificate()));
            assertThat(liveB.awaitClosed(ONE_SECOND)).as("b's live connection closed by the resync").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThanOrEqualTo(ONE_SECOND);
        }
        awaitMetrics("gateway_revocation_feed_seq 5.0");
        relaying(tlcp(port, a), "a-no-longer-in-the-set").close();
        try (TestClient c = tlcp(port, b)) {
            assertThat(refused(c)).isTrue();
        }
        assertThat(metrics()).contains("gateway_revocation_feed_events_total{kind=\"resync\"} 2.0",
                "gateway_revocation_feed_events_total{kind=\"unrevoked\"} 2.0");
    }

    @Test
    void brokenSilentAndRefusedStreamsAreDroppedCountedAndReopenedWithoutLosingTheFeed() throws Exception {
        int port = start(new GatewayFixture.Settings());
        FakeFeedServer.Stream first = feed.awaitStream(Duration.ofSeconds(10));
        first.send(FakeFeedServer.resync(10));
        awaitMetrics("gateway_revocation_feed_seq 10.0");

        // An event line over the 8 KiB bound.
        first.send(FakeFeedServer.frame(11, "revoked", "{\"pad\":\"" + "x".repeat(9000) + "\"}"));
        FakeFeedServer.Stream second = feed.awaitStream(Duration.ofSeconds(10));
        assertThat(second.lastEventId).isEqualTo("10");
        // Data that is not JSON, then an event whose serial is not hex.
        second.send("event: revoked\ndata: {not json\n\n");
        FakeFeedServer.Stream third = feed.awaitStream(Duration.ofSeconds(10));
        third.send(FakeFeedServer.frame(11, "revoked", "{\"seq\":11,\"serial\":\"zz\",\"issuer\":\"CN=x\","
                + "\"time\":\"2026-01-01T00:00:00Z\"}"));
        FakeFeedServer.Stream fourth = feed.awaitStream(Duration.ofSeconds(10));
        // A stream that falls silent (no keep-alive) is dead after idle-timeout (2 s here).
        fourth.silent = true;
        FakeFeedServer.Stream fifth = feed.awaitStream(Duration.ofSeconds(10));
        assertThat(fifth.lastEventId).isEqualTo("10");
        // A refused key (401) is retried too.
        feed.refuseWith = 401;
        fifth.end();
        awaitMetrics("gateway_revocation_feed_stream_errors_total{reason=\"http\"}");
        feed.refuseWith = 0;
        FakeFeedServer.Stream sixth = feed.awaitStream(Duration.ofSeconds(10));

        Vehicle victim = fixture.vehicle(1);
        try (TestClient live = relaying(tlcp(port, victim), "after-the-storm")) {
            sixth.send(FakeFeedServer.revoked(11, victim.sign().certificate()));
            assertThat(live.awaitClosed(ONE_SECOND)).isTrue();
        }
        String metrics = awaitMetrics("gateway_revocation_feed_seq 11.0");
        assertThat(metrics).contains("gateway_revocation_feed_stream_errors_total{reason=\"oversized\"} 1.0",
                "gateway_revocation_feed_stream_errors_total{reason=\"malformed\"} 2.0",
                "gateway_revocation_feed_stream_errors_total{reason=\"idle\"} 1.0",
                "gateway_revocation_feed_seq 11.0", "gateway_revocation_feed_connected 1.0")
                .containsPattern("gateway_revocation_feed_reconnects_total [5-9]");
    }

    @Test
    void withTheFeedDownTheCrlStillRevokesAndHealthSaysSo() throws Exception {
        GatewayFixture.Settings settings = new GatewayFixture.Settings();
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            settings.feedUrls.add("http://127.0.0.1:" + closed.getLocalPort() + FakeFeedServer.PATH);
        }
        // start() adds the fake server as the second URL; it refuses until the end of the test.
        upstream = PpEchoUpstream.start();
        feed = FakeFeedServer.start(GatewayFixture.FEED_KEY);
        feed.refuseWith = 503;
        settings.upstreams(upstream.port());
        settings.feedUrls.add(feed.url());
        gateway = Gateway.start(fixture.write(settings));
        int port = gateway.listenerAddress("mqtt").getPort();
        Vehicle victim = fixture.vehicle(1);
        Path crl = fixture.pkiDir.resolve("sm2/issuing-ca.crl");
        List<BigInteger> usual = List.of(fixture.pki.revokedVehicle().sign().certificate().getSerialNumber(),
                fixture.pki.revokedVehicle().enc().certificate().getSerialNumber());
        try (TestClient live = relaying(tlcp(port, victim), "crl-only")) {
            awaitMetrics("gateway_revocation_feed_stream_errors_total{reason=\"io\"}",
                    "gateway_revocation_feed_stream_errors_total{reason=\"http\"}");
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).as("the CRLs are the fallback: still UP").isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"", "\"revocation_feed\":{\"connected\":false",
                    "\"state\":\"disconnected, CRLs only\"", "\"last_error\":");
            assertThat(metrics()).contains("gateway_revocation_feed_connected 0.0");

            Crls.write(crl, fixture.pki.sm2Issuing(), List.of(usual.get(0), usual.get(1),
                    victim.sign().certificate().getSerialNumber()));
            gateway.refreshCrls();
            assertThat(live.awaitClosed(Duration.ofSeconds(5))).as("closed by the CRL").isTrue();
            try (TestClient again = tlcp(port, victim)) {
                assertThat(refused(again)).isTrue();
            }
        } finally {
            Crls.write(crl, fixture.pki.sm2Issuing(), usual);
        }
        // Both URLs are tried in turn: once the second answers, the feed is up.
        feed.refuseWith = 0;
        assertThat(feed.awaitStream(Duration.ofSeconds(15)).lastEventId).isNull();
        assertThat(awaitMetrics("gateway_revocation_feed_connected 1.0")).contains("gateway_revocation_feed_connected 1.0");
    }
}
