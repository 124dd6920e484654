package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.KeyCert;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template reproduces, to the letter, the gateway configurations the tests used to write out by
 * hand (kept under {@code handwritten/} as they stood in tbox-sim's TestGateway, cert-enrollment's
 * ThroughGatewayIT and the end-to-end WholeStack, with example ports), and writes only what a test sets.
 */
class GatewayYamlTest {

    @Test
    void theTboxSimGatewayInFrontOfABroker() throws IOException {
        String handWritten = handWritten("tbox-sim-test-gateway.yaml");
        String rendered = GatewayYaml.node("tbox-sim-test")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required")
                        .limit("maxConnections", 10000).limit("handshakeTimeout", "10s").limit("idleTimeout", "120s"))
                .upstream(Upstream.of("brokers", 1883).balance("round-robin").connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s")
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void theEnrollmentListenerWithPpv2() throws IOException {
        String handWritten = handWritten("through-gateway-it.yaml");
        String rendered = GatewayYaml.node("enrolltest")
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp()
                        .tls(List.of(KeyCert.SM2_TLS13), GatewayYaml.SM2_TRUST))
                .upstream(Upstream.of("enrollment", 8080).connectTimeout("2s")
                        .healthCheck("1s", "500ms", 1, 3).proxyProtocol(true, true))
                .revocation("1h", Crl.sm2Issuing())
                .reload(false, null)
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void theWholeStackWithTwoListenersAndCrlsOverHttp() throws IOException {
        String handWritten = handWritten("whole-stack.yaml");
        String rendered = GatewayYaml.node("e2e")
                .listener(Listener.devPki("mqtt", "gate").clientAuth("required"))
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp())
                .upstream(Upstream.of("gate", 7001).healthCheck("500ms", "500ms", 1, 3))
                .upstream(Upstream.of("enrollment", 7002).healthCheck("500ms", "500ms", 1, 3))
                .revocation("1m", Crl.sm2Issuing("http://127.0.0.1:7000/crl/sm2-issuing.crl"),
                        Crl.ecdsaIssuing("http://127.0.0.1:7000/crl/ecdsa-issuing.crl"))
                .reload(false, null)
                .drainTimeout("1s")
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void onlyWhatATestSetsIsWritten(@TempDir Path dir) throws Exception {
        Path file = GatewayYaml.node("bare")
                .listener(Listener.plaintext("plain", "brokers").route("a.example", "other")
                        .limit("maxConnections", 5))
                .upstream(Upstream.of("brokers", 1, 2))
                .writeTo(dir.resolve("gateway.yaml"));
        assertThat(Files.readString(file)).isEqualTo("""
                nodeId: bare
                listeners:
                  - name: plain
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    plaintext: true
                    routes:
                      - sni: a.example
                        upstream: other
                    limits:
                      maxConnections: 5
                upstreams:
                  brokers:
                    servers: ["127.0.0.1:1", "127.0.0.1:2"]
                """);
    }

    @Test
    void ticketKeysAndAnAdminTokenFile() {
        String rendered = GatewayYaml.node("n")
                .listener(Listener.secure("mqtt", "b").tlcp().ticketKeys("tickets.key"))
                .admin("admin.token")
                .reload(true, "100ms")
                .render();
        assertThat(rendered).contains("""
                      trust: pki/sm2/trust.pem
                      ticketKeys: tickets.key
                """, """
                admin:
                  bind: "127.0.0.1:0"
                  tokenFile: admin.token
                reload:
                  watch: true
                  pollInterval: 100ms
                """);
    }

    private static String handWritten(String name) throws IOException {
        try (InputStream in = GatewayYamlTest.class.getResourceAsStream("/handwritten/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
