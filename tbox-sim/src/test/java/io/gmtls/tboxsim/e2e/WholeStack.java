package io.gmtls.tboxsim.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.gmtls.brokeradapter.authn.ConcurrencyLimitedAuthenticator;
import io.gmtls.brokeradapter.authn.HttpCaAuthenticator;
import io.gmtls.brokeradapter.config.BrokerTarget;
import io.gmtls.brokeradapter.config.CaSettings;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateLimits;
import io.gmtls.brokeradapter.config.GatePolicy;
import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.brokeradapter.gate.GateMetrics;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.enrollment.EnrollmentApplication;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.proxy.Gateway;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import io.gmtls.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The whole platform in this JVM, wired as in production: a fresh PostgreSQL database (dropped on
 * close); pki-ca bootstrapped by importing a certs-dev PKI (its CAs and end-entity certificates, the
 * model and its VINs); cert-enrollment on the same database; the broker-adapter auth gate in front of
 * the machine's Mosquitto (127.0.0.1:1883), asking pki-ca's authn endpoint with a broker API key; and
 * gm-tls-proxy with an MQTT listener (TLCP + TLS 1.3, client certificate required, PPv2 to the gate)
 * and an enrollment listener (client certificate optional, PPv2 to cert-enrollment), revocation from
 * pki-ca's live CRL endpoint. Everything binds 127.0.0.1 on a free port.
 */
final class WholeStack implements AutoCloseable {

    static final String MODEL = "GMTDEV01";
    static final InetSocketAddress MOSQUITTO = new InetSocketAddress("127.0.0.1", 1883);
    private static final SecureRandom RANDOM = new SecureRandom();

    final Path dir;
    final Path pkiDir;
    final DevPki pki;
    final SimpleMeterRegistry gateMeters = new SimpleMeterRegistry();
    private final StartedInOrder started = new StartedInOrder();
    private final String operatorKey = "e2e-operator-" + hex(16);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int caPort;
    private int enrollmentPort;
    private AuthGateServer gate;
    private Gateway gateway;

    private WholeStack(Path dir, int vehicles) throws Exception {
        this.dir = dir;
        this.pkiDir = dir.resolve("pki");
        this.pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(vehicles));
    }

    /** Starts everything; on a failure, whatever already runs is stopped again. */
    static WholeStack start(Path dir, int vehicles) throws Exception {
        if (!listening(MOSQUITTO)) {
            throw new IllegalStateException("no MQTT broker on " + MOSQUITTO + ": the end-to-end test needs the "
                    + "machine's Mosquitto (.ci/run starts it; or: mosquitto -d)");
        }
        WholeStack stack = new WholeStack(dir, vehicles);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        TestDatabase db = new TestDatabase("gmtls_e2e_");
        started.push(db);
        String brokerKey = "e2e-gate-" + hex(16);
        String passphrase = "e2e-" + hex(12);
        Path keys = dir.resolve("ca-keys");
        // The JVM's logging stays the test's (logback-test.xml): Spring Boot would reconfigure it.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");

        ConfigurableApplicationContext ca = PkiCaApplication.start(CaNodeArgs.onDatabase(db.url(), 6).loopback()
                .set("spring.main.web-application-type", "servlet")
                .set("spring.application.name", "pki-ca")
                .caKeys(keys, passphrase)
                .bootstrap("import")
                .importFrom(pkiDir, true)
                .set("gmtls.broker.cache-ttl", "0s")
                .apiKey("e2e-operator", "operator", ApiKeys.hash(operatorKey))
                .apiKey("e2e-gate", "broker", ApiKeys.hash(brokerKey))
                .toArray());
        started.push(ca::close);
        caPort = port(ca);

        ConfigurableApplicationContext enrollment = EnrollmentApplication.start(CaNodeArgs.onDatabase(db.url(), 6)
                .loopback()
                .set("spring.main.web-application-type", "reactive")
                .set("spring.application.name", "cert-enrollment")
                .caKeys(keys, passphrase)
                .bootstrap("none")
                .set("gmtls.enrollment.gateways", "127.0.0.1")
                .set("gmtls.enrollment.renewal.overlap", "0s")
                .toArray());
        started.push(enrollment::close);
        enrollmentPort = port(enrollment);

        GateConfig gateConfig = new GateConfig(
                new InetSocketAddress("127.0.0.1", 0),
                GatewayAllowList.of(List.of("127.0.0.1")),
                ReceiverSettings.defaults(),
                new BrokerTarget(MOSQUITTO.getHostString(), MOSQUITTO.getPort(), Duration.ofSeconds(3)),
                new CaSettings(URI.create(caUrl("/api/v1/broker/authn")), Duration.ofSeconds(10), 64 * 1024, 64,
                        Optional.of(brokerKey)),
                new GateLimits(1000, Duration.ofSeconds(10), 16 * 1024, 1024 * 1024, 64 * 1024),
                new GatePolicy(false, true, false, false),
                Optional.empty());
        gate = AuthGateServer.start(gateConfig, new ConcurrencyLimitedAuthenticator(
                new HttpCaAuthenticator(gateConfig.ca()), gateConfig.ca().maxConcurrentRequests()),
                new GateMetrics(gateMeters), 2);
        started.push(gate);

        gateway = Gateway.start(writeGatewayConfig());
        started.push(() -> gateway.shutdown(Duration.ofSeconds(1)));
        awaitGatewayHealthy();
    }

    private Path writeGatewayConfig() throws IOException {
        return GatewayYaml.node("e2e")
                .listener(Listener.devPki("mqtt", "gate").clientAuth("required"))
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp())
                .upstream(Upstream.of("gate", gate.boundAddress().getPort()).healthCheck("500ms", "500ms", 1, 3))
                .upstream(Upstream.of("enrollment", enrollmentPort).healthCheck("500ms", "500ms", 1, 3))
                .revocation("1m", Crl.sm2Issuing(caUrl("/crl/sm2-issuing.crl")),
                        Crl.ecdsaIssuing(caUrl("/crl/ecdsa-issuing.crl")))
                .reload(false, null)
                .drainTimeout("1s")
                .writeTo(dir.resolve("gateway.yaml"));
    }

    /** The listeners bound and both upstream groups passed a health check. */
    private void awaitGatewayHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (gateway.listenerAddress("mqtt") == null || gateway.listenerAddress("enroll") == null
                || !gateway.healthReport().up()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("gateway not healthy: " + gateway.healthReport().toJson());
            }
            Thread.sleep(20);
        }
    }

    int mqttPort() {
        return gateway.listenerAddress("mqtt").getPort();
    }

    int enrollPort() {
        return gateway.listenerAddress("enroll").getPort();
    }

    InetSocketAddress gateAddress() {
        return gate.boundAddress();
    }

    int enrollmentServicePort() {
        return enrollmentPort;
    }

    String caUrl(String path) {
        return "http://127.0.0.1:" + caPort + path;
    }

    /** The operator's API key (what an operator signs in to pki-ca's console with). */
    String operatorKey() {
        return operatorKey;
    }

    /** Registers VINs to the model through pki-ca's admin API (as an operator would). */
    void registerVins(List<String> vins) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(caUrl("/api/v1/admin/vehicles/import?model=" + MODEL)))
                .timeout(Duration.ofSeconds(20)).header("X-API-Key", operatorKey).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", vins) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("VIN import answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** A gate counter, 0 when it was never incremented. */
    double gateCount(String name, String tagKey, String tagValue) {
        var counter = gateMeters.find(name).tag(tagKey, tagValue).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * The gate's counter once it reached {@code atLeast}, or its value after 5 s. The gate counts on
     * its event loop, which may run just after the client has already seen the connection close.
     */
    double awaitGateCount(String name, String tagKey, String tagValue, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        double count = gateCount(name, tagKey, tagValue);
        while (count < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
            count = gateCount(name, tagKey, tagValue);
        }
        return count;
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    static boolean listening(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Stops everything in reverse order of start; the database is dropped last. */
    @Override
    public void close() throws Exception {
        started.close();
    }
}
