package io.gmtls.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.proxy.Gateway;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import io.gmtls.testsupport.Ppv2Client;
import io.gmtls.testsupport.TestDatabase;

/**
 * Every metric name the Grafana dashboard and the Prometheus alert rules (deploy/observability) use is
 * exported by a running service: the gateway (in-process, its admin {@code /metrics}), pki-ca (its Spring
 * context on a fresh PostgreSQL database, {@code /actuator/prometheus}) and the auth gate (its runnable
 * jar, {@code /metrics}). Meters that appear on their first event are made to appear the way production
 * makes them: a TLS 1.3 handshake that succeeds and one that fails, an upstream that refuses, a CRL that
 * no longer parses, a broker authn call, a vehicle CONNECT through the gate.
 */
class ObservabilityIT {

    private static final Path OBSERVABILITY = Path.of("observability");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path work;

    private static DevPki pki;
    private static Gateway gateway;
    private static TestDatabase database;
    private static ConfigurableApplicationContext ca;
    private static Process gate;
    private static final Set<String> exported = new TreeSet<>();

    @BeforeAll
    static void startServices() throws Exception {
        pki = DevPkiGenerator.write(work.resolve("pki"), DevPkiOptions.defaults().withVehicles(2));
        exported.addAll(MetricNames.exported(gatewayScrape()));
        exported.addAll(MetricNames.exported(caScrape()));
        exported.addAll(MetricNames.exported(gateScrape()));
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (gate != null) {
            gate.destroy();
            gate.waitFor(20, TimeUnit.SECONDS);
        }
        if (gateway != null) {
            gateway.close();
        }
        if (ca != null) {
            ca.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void everyMetricTheDashboardUsesIsExported() throws IOException {
        List<String> exprs = MetricNames.dashboardExprs(OBSERVABILITY.resolve("grafana-gmtls-stack.json"));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(20);
        assertThat(missing(exprs)).as("dashboard metrics no service exports").isEmpty();
    }

    @Test
    void everyMetricTheAlertRulesUseIsExported() throws IOException {
        List<String> exprs = MetricNames.ruleExprs(OBSERVABILITY.resolve("alerts.yaml"));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(15);
        assertThat(missing(exprs)).as("alert rule metrics no service exports").isEmpty();
    }

    @Test
    void theNameCheckWouldCatchATypo() {
        assertThat(missing(List.of("sum(rate(gateway_handshake_total{result!=\"success\"}[5m]))")))
                .containsExactly("gateway_handshake_total");
        assertThat(MetricNames.used("histogram_quantile(0.99, sum by (le) (rate(x_bucket{uri=\"/a\"}[5m]))) > 0.05 and y offset 1d"))
                .containsExactlyInAnyOrder("x_bucket", "y");
    }

    @Test
    void theIssuesMetricsAreThere() {
        assertThat(exported).contains("gateway_handshakes_total", "gateway_handshake_duration_seconds_bucket",
                "gateway_crl_age_seconds", "gateway_certificate_expiry_seconds", "gmtls_crl_age_seconds",
                "gmtls_ca_certificate_expiry_seconds", "gmtls_db_up",
                "gmtls_audit_chain_intact", "http_server_requests_seconds_bucket", "gate_decisions_total");
    }

    private static Set<String> missing(List<String> exprs) {
        Set<String> missing = new TreeSet<>();
        for (String expr : exprs) {
            for (String name : MetricNames.used(expr)) {
                if (!exported.contains(name)) {
                    missing.add(name);
                }
            }
        }
        return missing;
    }

    // ---- the gateway: a TLS 1.3 handshake that succeeds (its upstream refuses), one that fails, a CRL that breaks

    private static String gatewayScrape() throws Exception {
        int deadUpstream;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadUpstream = s.getLocalPort();
        }
        Files.createDirectories(work.resolve("crl"));
        Files.writeString(work.resolve("feed.key"), "obs-gateway-feed-key");
        Path crl = Files.copy(work.resolve("pki/ecdsa/issuing-ca.crl"), work.resolve("crl/ecdsa.crl"));
        Path config = GatewayYaml.node("obs")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required"))
                .upstream(Upstream.of("brokers", deadUpstream))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing("crl/ecdsa.crl"))
                // A feed to a CA that is down: its meters exist from the start (connected 0), as in an outage.
                .revocationFeed(new GatewayYaml.Feed(List.of("http://127.0.0.1:" + deadUpstream + "/api/v1/revocations/feed"),
                        "feed.key", null, null))
                .admin(null)
                .reload(false, null)
                .writeTo(work.resolve("gateway.yaml"));
        gateway = Gateway.start(config);
        InetSocketAddress listener = gateway.listenerAddress("mqtt");

        tls13(listener, pki.vehicles().get(0), true);
        tls13(listener, null, false);
        Ppv2Client.exchange(null, listener.getPort(), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(crl, "not a CRL");
        gateway.refreshCrls();

        String text = get(URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort() + "/metrics"));
        assertThat(text).contains("gateway_handshakes_total{").contains("result=\"failure\"").contains("result=\"success\"");
        return text;
    }

    /** A TLS 1.3 handshake with the vehicle's ECDSA certificate (none: the gateway refuses it). */
    private static void tls13(InetSocketAddress address, Vehicle vehicle, boolean expectSuccess) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", pki.ecdsaRoot().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (vehicle != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<X509Certificate> chain = new ArrayList<>(List.of(vehicle.ecdsa().certificate()));
            vehicle.ecdsa().chain().stream().filter(c -> !c.equals(vehicle.ecdsa().certificate())).forEach(chain::add);
            keys.setKeyEntry("vehicle", vehicle.ecdsa().privateKey(), new char[0], chain.toArray(X509Certificate[]::new));
            kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(keys, new char[0]);
        }
        // The JDK's own provider: the gateway registers BouncyCastle's JSSE in this JVM too.
        SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            boolean ok;
            try {
                socket.startHandshake();
                // TLS 1.3: a refused client certificate shows on the first read.
                socket.getOutputStream().write(0x10);
                socket.getOutputStream().flush();
                ok = socket.getInputStream().read() >= -1;
            } catch (SSLException | java.net.SocketException e) {
                ok = false;
            }
            if (expectSuccess) {
                assertThat(ok).as("handshake with a vehicle certificate").isTrue();
            }
        }
    }

    // ---- pki-ca on its own database; one broker authn call

    private static final String BROKER_KEY = "obs-broker-key-0123456789";

    private static String caScrape() throws Exception {
        database = new TestDatabase("observability_");
        // Keep the test JVM's logging (the gateway's logback) as it is.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        ca = PkiCaApplication.start(CaNodeArgs.onDatabase(database.url(), 4).loopback()
                .set("spring.main.banner-mode", "off")
                .caKeys(work.resolve("ca-keys"), "observability-test")
                .bootstrap("generate")
                .apiKey("gate", "broker", ApiKeys.hash(BROKER_KEY))
                .toArray());
        int port = ((WebServerApplicationContext) ca).getWebServer().getPort();
        HttpResponse<String> authn = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/broker/authn"))
                .header("Content-Type", "application/json").header("X-API-Key", BROKER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"clientid\":\"LGMTEST0000000001\",\"username\":\"LGMTEST0000000001\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(authn.statusCode()).as(authn.body()).isEqualTo(200);
        return get(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"));
    }

    // ---- the gate's runnable jar, its embedded broker, the CA above; one vehicle CONNECT

    private static String gateScrape() throws Exception {
        int caPort = ((WebServerApplicationContext) ca).getWebServer().getPort();
        int listen = freePort();
        int metrics = freePort();
        int broker = freePort();
        Path apiKey = Files.writeString(work.resolve("gate-ca-api-key"), BROKER_KEY + "\n");
        Path config = Files.writeString(work.resolve("gate.yaml"), """
                listen: 127.0.0.1:%d
                gateways: [127.0.0.1]
                broker:
                  embedded:
                    bind: 127.0.0.1:%d
                ca:
                  authn-url: http://127.0.0.1:%d/api/v1/broker/authn
                  api-key-file: %s
                  timeout: 5s
                metrics:
                  listen: 127.0.0.1:%d
                """.formatted(listen, broker, caPort, apiKey, metrics));
        Path jar = Path.of("..", "broker-adapter", "target", "broker-adapter.jar");
        assertThat(jar).as("built by mvn package").isRegularFile();
        gate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar",
                jar.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("gate.log").toFile()).start();
        URI scrape = URI.create("http://127.0.0.1:" + metrics + "/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                get(scrape);
                break;
            } catch (IOException e) {
                assertThat(gate.isAlive()).as("gate running: " + Files.readString(work.resolve("gate.log"))).isTrue();
                assertThat(System.nanoTime()).as("gate metrics within 90 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        X509Certificate vehicle = pki.vehicles().get(1).sign().certificate();
        String vin = pki.vehicles().get(1).vin();
        byte[] answer = Ppv2Client.exchange(InetAddress.getLoopbackAddress(), listen,
                Ppv2Client.concat(Ppv2Client.header(Ppv2Client.facts("198.51.100.7", vehicle)), mqttConnect(vin)));
        assertThat(answer).as("a CONNACK (the CA does not know this vehicle: refused)").isNotEmpty();
        assertThat(answer[0] & 0xff).isEqualTo(0x20);
        Ppv2Client.exchange(null, listen, "not a PROXY protocol header".getBytes(StandardCharsets.US_ASCII));
        return get(scrape);
    }

    /** An MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s, the client id only. */
    private static byte[] mqttConnect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60};
        int remaining = variable.length + 2 + id.length;
        byte[] packet = new byte[2 + remaining];
        packet[0] = 0x10;
        packet[1] = (byte) remaining;
        System.arraycopy(variable, 0, packet, 2, variable.length);
        packet[2 + variable.length] = (byte) (id.length >> 8);
        packet[3 + variable.length] = (byte) id.length;
        System.arraycopy(id, 0, packet, 4 + variable.length, id.length);
        return packet;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + ": HTTP " + response.statusCode());
        }
        return response.body();
    }
}
