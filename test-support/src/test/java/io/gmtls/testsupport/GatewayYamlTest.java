package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template reproduces, to the letter, the gateway configurations the tests used to write out by
 * hand (kept under {@code handwritten/} as they stood in tbox-sim's TestGateway, cert-enrollment's
 * ThroughGatewayIT and the end-to-end WholeStack, with example ports, their keys rewritten in the
 * gateway's kebab-case spelling), writes only what a test sets, and writes no key in the deprecated
 * camelCase spelling (which the gateway still reads, but with a warning).
 */
class GatewayYamlTest {

    @Test
    void theTboxSimGatewayInFrontOfABroker() throws IOException {
        String handWritten = handWritten("tbox-sim-test-gateway.yaml");
        String rendered = GatewayYaml.node("tbox-sim-test")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required")
                        .limit("max-connections", 10000).limit("handshake-timeout", "10s").limit("idle-timeout", "120s"))
                .upstream(Upstream.of("brokers", 1883).balance("round-robin").connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s")
                .render();
        assertThat(rendered).isEqualTo(handWritten);
        assertKebabCaseKeys(rendered);
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
        assertKebabCaseKeys(rendered);
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
        assertKebabCaseKeys(rendered);
    }

    @Test
    void onlyWhatATestSetsIsWritten(@TempDir Path dir) throws Exception {
        Path file = GatewayYaml.node("bare")
                .listener(Listener.plaintext("plain", "brokers").route("a.example", "other")
                        .limit("max-connections", 5))
                .upstream(Upstream.of("brokers", 1, 2))
                .writeTo(dir.resolve("gateway.yaml"));
        assertThat(Files.readString(file)).isEqualTo("""
                node-id: bare
                listeners:
                  - name: plain
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    plaintext: true
                    routes:
                      - sni: a.example
                        upstream: other
                    limits:
                      max-connections: 5
                upstreams:
                  brokers:
                    servers: ["127.0.0.1:1", "127.0.0.1:2"]
                warm-up: off
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
                      ticket-keys: tickets.key
                """, """
                admin:
                  bind: "127.0.0.1:0"
                  token-file: admin.token
                reload:
                  watch: true
                  poll-interval: 100ms
                """);
        assertKebabCaseKeys(rendered);
    }

    @Test
    void aCamelCaseLimitsKeyIsRefused() {
        assertThatThrownBy(() -> Listener.plaintext("plain", "b").limit("maxConnections", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
    }

    /** Every mapping key of the YAML text (block or flow style) is lower-case kebab-case. */
    private static void assertKebabCaseKeys(String yaml) {
        Matcher keys = Pattern.compile("(?m)(?:^[ -]*|[{,] *)([A-Za-z][A-Za-z0-9_-]*):(?: |$)").matcher(yaml);
        int count = 0;
        while (keys.find()) {
            assertThat(keys.group(1)).as("key in%n%s", yaml).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
            count++;
        }
        assertThat(count).as("keys found").isPositive();
    }

    private static String handWritten(String name) throws IOException {
        try (InputStream in = GatewayYamlTest.class.getResourceAsStream("/handwritten/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
