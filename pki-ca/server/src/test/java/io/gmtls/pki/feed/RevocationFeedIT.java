package io.gmtls.pki.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.RevocationEvent;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The revocation feed (issue 13) on two CA nodes over one real PostgreSQL database, through real HTTP
 * streams: roles, bounded resume points, resync, resume after a disconnect, an event made on node A
 * arriving on a stream of node B within a second, 200 concurrent streams on one node, keep-alives,
 * pruning, metrics; and the broker authn answer's {@code expire_at}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationFeedIT {

    private static final String ADMIN = "admin-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String OPERATOR = "operator-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String BROKER = "broker-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String GATEWAY = "gateway-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String MODEL = "GMTFEED1";
    private static final List<String> VINS = List.of("LGMTFD00000000001", "LGMTFD00000000002", "LGMTFD00000000003",
            "LGMTFD00000000004", "LGMTFD00000000005", "LGMTFD00000000006");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestDatabase db;
    private Path work;
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;
    private String urlA;
    private String urlB;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    /** VIN to its signing certificate. */
    private final Map<String, X509Certificate> certificates = new LinkedHashMap<>();
    private final List<SseClient> streams = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        db = new TestDatabase("pkica_test_");
        work = Files.createTempDirectory("pki-ca-feed-it");
        DevPkiGenerator.write(work.resolve("dev-pki"), DevPkiOptions.defaults().withVehicles(1));
        nodeA = node("import");
        nodeB = node("none");
        urlA = "http://127.0.0.1:" + port(nodeA);
        urlB = "http://127.0.0.1:" + port(nodeB);
        post(urlA + "/api/v1/admin/models", OPERATOR, Map.of("code", MODEL, "name", "Feed", "perModelAllowed", false), 201);
        for (String vin : VINS) {
            post(urlA + "/api/v1/admin/vehicles", OPERATOR, Map.of("vin", vin, "model", MODEL), 201);
            JsonNode pair = post(urlA + "/api/v1/admin/vehicles/" + vin + "/credentials", OPERATOR,
                    Map.of("csr", Base64.getEncoder().encodeToString(TestSupport.csr(TestSupport.sm2(), vin))), 201);
            certificates.put(vin, certificate(pair.get("signing").get("certificatePem").asString()));
        }
    }

    private ConfigurableApplicationContext node(String bootstrap) {
        CaNodeArgs args = CaNodeArgs.onDatabase(db.url(), 8)
                .set("spring.main.banner-mode", "off")
                .set("logging.level.root", "WARN")
                .caKeys(work.resolve("keys"), "it-passphrase")
                .bootstrap(bootstrap)
                .importFrom(work.resolve("dev-pki"), false)
                .set("gmtls.feed.keepalive", "300ms");
        String[][] keys = {{"admin", "admin", ADMIN}, {"ops", "operator", OPERATOR}, {"emqx", "broker", BROKER},
                {"edge", "gateway", GATEWAY}};
        for (String[] key : keys) {
            args.apiKey(key[0], key[1], ApiKeys.hash(key[2]));
        }
        return PkiCaApplication.start(args.toArray());
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    @AfterAll
    void stop() throws Exception {
        for (SseClient s : streams) {
            s.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (db != null) {
            db.close();
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    @Order(1)
    void onlyGatewayAndAdminKeysReadTheFeedAndAGatewayKeyNothingElse() throws Exception {
        assertThat(stream(urlA, null).status()).isEqualTo(401);
        assertThat(stream(urlA, BROKER).status()).isEqualTo(403);
        assertThat(stream(urlA, OPERATOR).status()).isEqualTo(403);
        SseClient gateway = stream(urlA, GATEWAY);
        assertThat(gateway.status()).isEqualTo(200);
        assertThat(gateway.contentType()).startsWith("text/event-stream");
        assertThat(gateway.next(WAIT).event()).isEqualTo("resync");
        SseClient admin = stream(urlB, ADMIN);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.next(WAIT).event()).isEqualTo("resync");

        String serial = serialOf(VINS.get(0));
        assertThat(call("GET", urlA + "/api/v1/admin/certificates?vin=" + VINS.get(0), GATEWAY, null).statusCode())
                .isEqualTo(403);
        assertThat(call("POST", urlA + "/api/v1/admin/certificates/" + serial + "/revoke", GATEWAY,
                "{\"reason\":\"keyCompromise\"}").statusCode()).isEqualTo(403);
        assertThat(call("POST", urlA + "/api/v1/broker/authn", GATEWAY, "{\"clientid\":\"x\"}").statusCode())
                .isEqualTo(403);
    }

    @Test
    @Order(2)
    void malformedResumePointsAreA400() throws Exception {
        for (String bad : List.of("abc", "-1", "1e3", "12345678901234567890", " ", "0x10", "1;2")) {
            SseClient s = stream(urlA, GATEWAY, "Last-Event-ID", bad);
            assertThat(s.status()).as("Last-Event-ID '%s'", bad).isEqualTo(400);
            assertThat(s.errorBody()).contains("Last-Event-ID");
        }
        SseClient s = SseClient.open(urlA + "/api/v1/revocations/feed?after=abc", "X-API-Key", GATEWAY);
        assertThat(s.status()).isEqualTo(400);
        assertThat(s.errorBody()).contains("after");
    }

    @Test
    @Order(3)
    void resyncCarriesEveryRevokedCertificateAsOfItsSeq() throws Exception {
        X509Certificate revoked = certificates.get(VINS.get(0));
        revoke(urlA, serialOf(VINS.get(0)), "keyCompromise");
        SseClient s = stream(urlB, GATEWAY);
        SseClient.Frame resync = s.next(WAIT);
        assertThat(resync.event()).isEqualTo("resync");
        JsonNode data = json.readTree(resync.data());
        assertThat(data.get("seq").asLong()).isEqualTo(Long.parseLong(resync.id())).isEqualTo(head());
        assertThat(data.get("revoked")).hasSize(1);
        JsonNode entry = data.get("revoked").get(0);
        assertThat(entry.get("serial").asString()).isEqualTo(serialOf(VINS.get(0)));
        assertThat(entry.get("issuer").asString()).isEqualTo(revoked.getIssuerX500Principal().getName());
        assertThat(entry.get("reason").asString()).isEqualTo("keyCompromise");
        assertThat(Instant.parse(entry.get("notAfter").asString())).isEqualTo(revoked.getNotAfter().toInstant());
        assertThat(Instant.parse(entry.get("time").asString())).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    @Order(4)
    void eventsMadeWhileDisconnectedArriveOnReconnectWithLastEventId() throws Exception {
        SseClient first = stream(urlA, GATEWAY, "Last-Event-ID", Long.toString(head()));
        String held = serialOf(VINS.get(1));
        revoke(urlA, held, "certificateHold");
        SseClient.Frame hold = first.next(WAIT);
        assertThat(hold).as("hold event").isNotNull();
        assertThat(hold.event()).isEqualTo("revoked");
        assertThat(json.readTree(hold.data()).get("reason").asString()).isEqualTo("certificateHold");
        first.close();

        // Disconnected: a release and a revocation, on both nodes.
        assertThat(call("POST", urlB + "/api/v1/admin/certificates/" + held + "/release", OPERATOR, null).statusCode())
                .isEqualTo(200);
        String superseded = serialOf(VINS.get(2));
        revoke(urlA, superseded, "superseded");

        SseClient resumed = stream(urlB, GATEWAY, "Last-Event-ID", hold.id());
        SseClient.Frame released = resumed.next(WAIT);
        SseClient.Frame revoked = resumed.next(WAIT);
        assertThat(released.event()).isEqualTo("unrevoked");
        JsonNode r = json.readTree(released.data());
        assertThat(r.get("serial").asString()).isEqualTo(held);
        assertThat(r.get("reason").isNull()).isTrue();
        assertThat(r.get("seq").asLong()).isEqualTo(Long.parseLong(released.id())).isGreaterThan(Long.parseLong(hold.id()));
        assertThat(revoked.event()).isEqualTo("revoked");
        assertThat(json.readTree(revoked.data()).get("serial").asString()).isEqualTo(superseded);
        assertThat(Long.parseLong(revoked.id())).isGreaterThan(Long.parseLong(released.id()));
        // Exactly once: nothing else follows.
        assertThat(resumed.next(Duration.ofMillis(700))).isNull();

        // ?after= works the same; the header wins over it.
        SseClient byQuery = SseClient.open(urlA + "/api/v1/revocations/feed?after=" + hold.id(), "X-API-Key", GATEWAY);
        streams.add(byQuery);
        assertThat(byQuery.next(WAIT).id()).isEqualTo(released.id());
        SseClient both = SseClient.open(urlA + "/api/v1/revocations/feed?after=0", "X-API-Key", GATEWAY,
                "Last-Event-ID", released.id());
        streams.add(both);
        assertThat(both.next(WAIT).id()).isEqualTo(revoked.id());
    }

    @Test
    @Order(5)
    void aRevocationOnNodeAArrivesOnAStreamOfNodeBWithinASecond() throws Exception {
        // Both nodes' change listeners are known alive (ping round trip through the service's pool):
        // node B's streams are woken by NOTIFY, not by the 1 s fallback poll.
        for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!node.getBean(io.gmtls.pki.store.PgChangeListener.class).alive()) {
                assertThat(System.nanoTime()).as("change listener alive").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        SseClient onB = stream(urlB, GATEWAY, "Last-Event-ID", Long.toString(head()));
        // Idle: keep-alives (300 ms here) and nothing else.
        SseClient.Frame ping = onB.nextAny(Duration.ofSeconds(3));
        assertThat(ping).isNotNull();
        assertThat(ping.comment()).isEqualTo("ping");
        String serial = serialOf(VINS.get(3));
        long before = System.nanoTime();
        revoke(urlA, serial, "keyCompromise");
        long returned = System.nanoTime();
        SseClient.Frame event = onB.next(WAIT);
        assertThat(event).isNotNull();
        assertThat(json.readTree(event.data()).get("serial").asString()).isEqualTo(serial);
        long millis = (event.arrivedNanos() - returned) / 1_000_000;
        // The contract's target is ~100 ms (NOTIFY); 1 s is the bound.
        assertThat(millis).as("from the revoke call returning to the frame on node B (revoke took %d ms)",
                (returned - before) / 1_000_000).isLessThan(1_000);

        MeterRegistry meters = nodeB.getBean(MeterRegistry.class);
        assertThat(meters.get("pki.revocation.feed.streams").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("pki.revocation.feed.events.sent").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("pki.revocation.feed.head").gauge().value()).isEqualTo((double) head());
    }

    @Test
    @Order(6)
    void twoHundredStreamsOnOneNodeEachGetTheEvent() throws Exception {
        long head = head();
        HttpClient shared = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<SseClient> many = new ArrayList<>();
        java.util.concurrent.ExecutorService openers = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<SseClient>> opening = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                opening.add(openers.submit(() -> SseClient.open(shared, urlB + "/api/v1/revocations/feed",
                        "X-API-Key", GATEWAY, "Last-Event-ID", Long.toString(head))));
            }
            for (java.util.concurrent.Future<SseClient> f : opening) {
                SseClient s = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                streams.add(s);
                assertThat(s.status()).isEqualTo(200);
                many.add(s);
            }
        } finally {
            openers.shutdownNow();
        }
        assertThat(nodeB.getBean(RevocationFeed.class).openStreams()).isGreaterThanOrEqualTo(200);
        // They hold no servlet thread while idle: the node still answers everything else (64 threads).
        assertThat(call("GET", urlB + "/api/v1/admin/certificates?vin=" + VINS.get(4), OPERATOR, null).statusCode())
                .isEqualTo(200);
        String serial = serialOf(VINS.get(4));
        revoke(urlA, serial, "affiliationChanged");
        long returned = System.nanoTime();
        long slowest = 0;
        for (SseClient s : many) {
            SseClient.Frame f = s.next(WAIT);
            assertThat(f).isNotNull();
            assertThat(json.readTree(f.data()).get("serial").asString()).isEqualTo(serial);
            slowest = Math.max(slowest, f.arrivedNanos() - returned);
            s.close();
        }
        assertThat(slowest / 1_000_000).as("ms until the slowest of 200 streams had it").isLessThan(2_000);
    }

    @Test
    @Order(7)
    void aResumePointBeforeTheRetainedEventsOrBeyondTheHeadGetsAResync() throws Exception {
        PkiStores stores = nodeA.getBean(PkiStores.class);
        long head = head();
        // Ten years on every certificate here has expired: all but the newest event go.
        int pruned = stores.revocationEvents().prune(Instant.now().plus(Duration.ofDays(3660)), Duration.ofHours(1));
        assertThat(pruned).isPositive();
        RevocationEvent.Bounds bounds = stores.revocationEvents().bounds();
        assertThat(bounds.head()).isEqualTo(head);
        assertThat(bounds.oldest()).isEqualTo(head);

        assertThat(stream(urlA, GATEWAY, "Last-Event-ID", "0").next(WAIT).event()).isEqualTo("resync");
        assertThat(stream(urlB, GATEWAY, "Last-Event-ID", Long.toString(head + 1000)).next(WAIT).event())
                .as("beyond the head: a reset database").isEqualTo("resync");
        SseClient resumable = stream(urlA, GATEWAY, "Last-Event-ID", Long.toString(bounds.oldest() - 1));
        SseClient.Frame newest = resumable.next(WAIT);
        assertThat(newest.event()).isEqualTo("revoked");
        assertThat(newest.id()).isEqualTo(Long.toString(head));
    }

    @Test
    @Order(8)
    void brokerAllowCarriesExpireAtTheCertificatesNotAfter() throws Exception {
        String vin = VINS.get(5);
        String body = json.writeValueAsString(Map.of("clientid", vin, "username", "", "password", "",
                "cert_common_name", vin, "cert_serial", serialOf(vin)));
        HttpResponse<String> r = call("POST", urlB + "/api/v1/broker/authn", BROKER, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = json.readTree(r.body());
        assertThat(answer.get("result").asString()).isEqualTo("allow");
        assertThat(answer.get("is_superuser").asBoolean()).isFalse();
        assertThat(answer.get("expire_at").asLong()).isEqualTo(certificates.get(vin).getNotAfter().toInstant()
                .getEpochSecond());
        // A denial carries none.
        String revoked = json.writeValueAsString(Map.of("clientid", VINS.get(0), "cert_common_name", VINS.get(0),
                "cert_serial", serialOf(VINS.get(0))));
        JsonNode deny = json.readTree(call("POST", urlB + "/api/v1/broker/authn", BROKER, revoked).body());
        assertThat(deny.get("result").asString()).isEqualTo("deny");
        assertThat(deny.has("expire_at")).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private SseClient stream(String base, String key, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of(headers));
        if (key != null) {
            all.add("X-API-Key");
            all.add(key);
        }
        SseClient s = SseClient.open(base + "/api/v1/revocations/feed", all.toArray(String[]::new));
        streams.add(s);
        return s;
    }

    private long head() {
        return nodeA.getBean(PkiStores.class).revocationEvents().bounds().head();
    }

    private String serialOf(String vin) {
        return certificates.get(vin).getSerialNumber().toString(16);
    }

    private void revoke(String base, String serial, String reason) throws Exception {
        post(base + "/api/v1/admin/certificates/" + serial + "/revoke", OPERATOR, Map.of("reason", reason), 200);
    }

    private HttpResponse<String> call(String method, String url, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(String url, String key, Object body, int expectedStatus) throws Exception {
        HttpResponse<String> r = call("POST", url, key, json.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        return json.readTree(r.body());
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", io.gmtls.pki.core.crypto.GmCrypto.provider())
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
