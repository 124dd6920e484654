package io.gmtls.tboxsim.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.proxy.Gateway;
import io.gmtls.tboxsim.testing.TcpRelay;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.Feed;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import io.gmtls.testsupport.Mosquitto;
import io.gmtls.testsupport.TestDatabase;

/**
 * Where a revocation has to travel, in this JVM: two pki-ca nodes on one fresh PostgreSQL database
 * (node A bootstrapped by importing a certs-dev PKI with its vehicles, node B joining it), and two
 * gm-tls-proxy gateways in front of a private Mosquitto (PPv2 off), each terminating TLCP and TLS 1.3
 * with client certificates required. Gateway 1 reads CRLs from node A and gateway 2 from node B; with
 * the feed on, gateway 1 streams the revocation feed from node A through a {@link TcpRelay} (so a test
 * can cut that path and restore it) and gateway 2 straight from node B. Everything binds 127.0.0.1 on
 * a free port.
 */
final class RevocationStack implements AutoCloseable {

    /**
     * How the gateways learn of revocations.
     *
     * @param feed       whether the gateways stream pki-ca's revocation feed
     * @param crlRefresh how often they fetch the CRLs again (the fallback)
     */
    record Options(boolean feed, String crlRefresh) {
    }

    final Path dir;
    final Path pkiDir;
    final DevPki pki;
    final String operatorKey = "rev-operator-" + WholeStack.hex(16);
    final String gatewayKey = "rev-gateway-" + WholeStack.hex(16);
    private final Options options;
    private final StartedInOrder started = new StartedInOrder();
    private final List<Gateway> gateways = new ArrayList<>();
    private TestDatabase db;
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;
    private TcpRelay feedRelay;
    private Mosquitto broker;

    private RevocationStack(Path dir, int vehicles, Options options) throws Exception {
        this.dir = dir;
        this.pkiDir = dir.resolve("pki");
        this.options = options;
        this.pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(vehicles));
    }

    /** Starts everything; on a failure, whatever already runs is stopped again. */
    static RevocationStack start(Path dir, int vehicles, Options options) throws Exception {
        RevocationStack stack = new RevocationStack(dir, vehicles, options);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        db = new TestDatabase("gmtls_revocation_");
        started.push(db);
        broker = Mosquitto.startPrivate();
        started.push(broker);
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        Path keys = dir.resolve("ca-keys");
        String passphrase = "rev-" + WholeStack.hex(12);
        nodeA = PkiCaApplication.start(node(keys, passphrase).bootstrap("import").importFrom(pkiDir, true).toArray());
        started.push(nodeA::close);
        nodeB = PkiCaApplication.start(node(keys, passphrase).bootstrap("none").toArray());
        started.push(nodeB::close);
        feedRelay = TcpRelay.start(new InetSocketAddress("127.0.0.1", port(nodeA)));
        started.push(feedRelay);
        Path keyFile = dir.resolve("gateway-feed.key");
        Files.writeString(keyFile, gatewayKey + "\n", StandardCharsets.UTF_8);
        gateways.add(startGateway(1, caUrl(nodeA), "http://127.0.0.1:" + feedRelay.port()));
        gateways.add(startGateway(2, caUrl(nodeB), caUrl(nodeB)));
    }

    private CaNodeArgs node(Path keys, String passphrase) {
        CaNodeArgs args = CaNodeArgs.onDatabase(db.url(), 6).loopback()
                .set("spring.main.web-application-type", "servlet")
                .set("spring.application.name", "pki-ca")
                .caKeys(keys, passphrase)
                .apiKey("rev-operator", "operator", ApiKeys.hash(operatorKey));
        if (options.feed()) {
            args.apiKey("rev-gateway", "gateway", ApiKeys.hash(gatewayKey));
        }
        return args;
    }

    private Gateway startGateway(int n, String crlBase, String feedBase) throws Exception {
        GatewayYaml yaml = GatewayYaml.node("rev-" + n)
                .listener(Listener.devPki("mqtt", "broker").clientAuth("required")
                        .limit("handshake-timeout", "10s").limit("idle-timeout", "300s"))
                .upstream(Upstream.of("broker", broker.port()).connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation(options.crlRefresh(), Crl.sm2Issuing(crlBase + "/crl/sm2-issuing.crl"),
                        Crl.ecdsaIssuing(crlBase + "/crl/ecdsa-issuing.crl"))
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s");
        if (options.feed()) {
            yaml.revocationFeed(new Feed(List.of(feedBase + "/api/v1/revocations/feed"), "gateway-feed.key", "15s",
                    "200ms"));
        }
        Path file = yaml.writeTo(dir.resolve("gateway-" + n + ".yaml"));
        Gateway gateway = Gateway.start(file);
        started.push(() -> gateway.shutdown(Duration.ofSeconds(1)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (gateway.listenerAddress("mqtt") == null || !gateway.healthReport().up()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("gateway " + n + " not healthy: " + gateway.healthReport().toJson());
            }
            Thread.sleep(20);
        }
        return gateway;
    }

    /** The MQTT port of gateway 1 or 2. */
    int gatewayPort(int n) {
        return gateways.get(n - 1).listenerAddress("mqtt").getPort();
    }

    /** Gateway 1 or 2. */
    Gateway gateway(int n) {
        return gateways.get(n - 1);
    }

    /** The base URL of CA node A or B. */
    String caUrl(char node) {
        return caUrl(node == 'A' ? nodeA : nodeB);
    }

    /** The path between gateway 1 and CA node A's feed. */
    TcpRelay feedRelay() {
        return feedRelay;
    }

    private static String caUrl(ConfigurableApplicationContext node) {
        return "http://127.0.0.1:" + port(node);
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    /** Stops everything in reverse order of start; the database is dropped last. */
    @Override
    public void close() throws Exception {
        started.close();
    }
}
