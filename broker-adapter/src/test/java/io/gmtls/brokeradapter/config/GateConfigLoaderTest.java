package io.gmtls.brokeradapter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.config.ConfigException;

class GateConfigLoaderTest {

    private static final String MINIMAL = """
            listen: 127.0.0.1:1884
            gateways: [10.0.0.0/24, 127.0.0.1]
            broker:
              address: 127.0.0.1:1883
            ca:
              authn-url: http://127.0.0.1:8080/api/v1/broker/authn
            """;

    @Test
    void minimalFileGetsTheDocumentedDefaults() {
        GateConfig c = GateConfigLoader.parse("gate.yaml", MINIMAL);
        assertThat(c.listen().getPort()).isEqualTo(1884);
        assertThat(c.gateways().entries()).containsExactly("10.0.0.0/24", "127.0.0.1");
        assertThat(c.broker().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.ca().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.ca().maxConcurrentRequests()).isEqualTo(256);
        assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.limits().maxConnectBytes()).isEqualTo(16384);
        assertThat(c.proxyProtocol().maxHeaderBytes()).isEqualTo(500);
        assertThat(c.proxyProtocol().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.policy()).isEqualTo(new GatePolicy(false, false, false, false));
        assertThat(c.metricsListen()).isEmpty();
    }

    @Test
    void theShippedExampleIsValid(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("ca-api-key");
        Files.writeString(key, "broker-key-123\n");
        String example = Files.readString(Path.of("gate.example.yaml"))
                .replace("/etc/gmtls/broker-adapter/ca-api-key", key.toString());
        GateConfig c = GateConfigLoader.parse("gate.example.yaml", example);
        assertThat(c.policy().usernameFromCn()).isTrue();
        assertThat(c.metricsListen()).isPresent();
        assertThat(c.ca().apiKey()).contains("broker-key-123");
        assertThat(c.ca().toString()).doesNotContain("broker-key-123");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", example.replace(key.toString(), dir.resolve("nope").toString())))
                .hasMessageStartingWith("gate.yaml: ca.api-key-file: cannot read");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "  api-key-env: GMTLS_TEST_SURELY_UNSET_VARIABLE\n"))
                .hasMessage("gate.yaml: ca.api-key-env: environment variable GMTLS_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void errorsNameTheFileAndTheKey() {
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "limits:\n  handshake-timout: 5s\n"))
                .isInstanceOf(ConfigException.class).hasMessage("gate.yaml: limits.handshake-timout: unknown key (known here: max-connections, "
                        + "handshake-timeout, max-connect-bytes, max-message-bytes, max-pipelined-bytes)");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("10.0.0.0/24", "10.0.0.1/24")))
                .hasMessageStartingWith("gate.yaml: gateways: ").hasMessageContaining("bits set below");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("http://", "ftp://")))
                .hasMessageStartingWith("gate.yaml: ca.authn-url: ");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "limits:\n  handshake-timeout: soon\n"))
                .hasMessage("gate.yaml: limits.handshake-timeout: expected a duration like 500ms, 10s, 5m, 1h, 1d or PT3S, "
                        + "found 'soon'");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "policy:\n  enforce-acl: yes please\n"))
                .hasMessage("gate.yaml: policy.enforce-acl: expected true or false, found 'yes please'");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("127.0.0.1:1883", "127.0.0.1")))
                .hasMessageStartingWith("gate.yaml: broker.address: ");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", "listen: [1\n"))
                .hasMessageStartingWith("gate.yaml: not valid YAML");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", "listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n"))
                .hasMessageStartingWith("gate.yaml: not valid YAML");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("gateways: [10.0.0.0/24, 127.0.0.1]\n", "")))
                .hasMessageStartingWith("gate.yaml: gateways: ");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("authn-url: http://", "authn-url: http://user:pw@")))
                .hasMessageStartingWith("gate.yaml: ca.authn-url: ").hasMessageNotContaining("pw");
    }

    @Test
    void plainHttpToTheCaIsRefusedUnlessTheCaIsOnLoopback() {
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("127.0.0.1:8080", "ca.example.com:8080")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("gate.yaml: ca.authn-url: plain http is allowed only to a loopback address");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("127.0.0.1:8080", "10.0.0.5:8080")))
                .hasMessageStartingWith("gate.yaml: ca.authn-url: plain http is allowed only to a loopback address");
        for (String host : new String[] {"127.0.0.1", "127.3.4.5", "[::1]", "localhost", "LOCALHOST"}) {
            GateConfig c = GateConfigLoader.parse("gate.yaml", MINIMAL.replace("127.0.0.1:8080", host + ":8080"));
            assertThat(c.ca().tls()).isFalse();
            assertThat(c.ca().transportDescription()).startsWith("plain HTTP to loopback");
        }
        GateConfig https = GateConfigLoader.parse("gate.yaml", MINIMAL.replace("http://127.0.0.1:8080", "https://ca.example.com"));
        assertThat(https.ca().tls()).isTrue();
        assertThat(https.ca().transportDescription()).contains("the JVM's default CAs");
    }

    @Test
    void theCaTrustIsReadForHttpsAndRefusedOtherwise(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, TEST_CA_PEM);
        String https = MINIMAL.replace("http://127.0.0.1:8080", "https://ca.example.com") + "  trust: " + pem + "\n";
        GateConfig c = GateConfigLoader.parse("gate.yaml", https);
        assertThat(c.ca().trustAnchors()).hasSize(1);
        assertThat(c.ca().transportDescription()).contains("1 CA certificate(s) from ca.trust");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "  trust: " + pem + "\n"))
                .hasMessage("gate.yaml: ca.trust: is only for an https authn-url");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", https.replace(pem.toString(), dir.resolve("nope.pem").toString())))
                .hasMessageStartingWith("gate.yaml: ca.trust: cannot read");
        Files.writeString(pem, "not a certificate\n");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", https)).hasMessageStartingWith("gate.yaml: ca.trust: ");
    }

    @Test
    void durationsSizesAndAddressesFollowTheGrammarSharedWithTheGateway() {
        GateConfig c = GateConfigLoader.parse("gate.yaml", MINIMAL.replace("listen: 127.0.0.1:1884", "listen: \":1884\"")
                + "  timeout: PT2S\nlimits:\n  handshake-timeout: 90\n  max-connect-bytes: 32KiB\n  max-message-bytes: 2MiB\n");
        assertThat(c.listen().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(c.ca().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits().maxConnectBytes()).isEqualTo(32 * 1024);
        assertThat(c.limits().maxMessageBytes()).isEqualTo(2 * 1024 * 1024);
        // 1h is a duration now (the gate refused the unit before); the record's range check still applies.
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "limits:\n  handshake-timeout: 1h\n"))
                .hasMessage("gate.yaml: limits.handshake-timeout: handshake timeout must be over 0 and at most 5m, was 1h");
        assertThat(GateConfigLoader.parse("gate.yaml", MINIMAL + "limits:\n  handshake-timeout: 5m\n").limits()
                .handshakeTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL + "limits:\n  max-message-bytes: 1GB\n"))
                .hasMessage("gate.yaml: limits.max-message-bytes: expected a size like 16384, 64KiB or 1MiB, found '1GB'");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", MINIMAL.replace("address: 127.0.0.1:1883", "address: \":1883\"")))
                .hasMessage("gate.yaml: broker.address: needs a host in ':1883'");
    }

    @Test
    void relativeFilesAreFoundBesideTheConfigurationFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ca-api-key"), "broker-key-456\n");
        Path config = dir.resolve("gate.yaml");
        Files.writeString(config, MINIMAL + "  api-key-file: ca-api-key\n");
        List<String> warnings = new ArrayList<>();
        assertThat(GateConfigLoader.load(config, warnings::add).ca().apiKey()).contains("broker-key-456");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aFileRelativeToTheWorkingDirectoryStillLoadsWithOneWarning(@TempDir Path dir) throws Exception {
        // Earlier gates resolved relative names against the working directory (the module folder here).
        Path key = Path.of("target", "gate-loader-test-api-key");
        Files.createDirectories(key.getParent());
        Files.writeString(key, "broker-key-789\n");
        try {
            Path config = dir.resolve("gate.yaml");
            Files.writeString(config, MINIMAL + "  api-key-file: " + key + "\n");
            List<String> warnings = new ArrayList<>();
            assertThat(GateConfigLoader.load(config, warnings::add).ca().apiKey()).contains("broker-key-789");
            assertThat(warnings).containsExactly(config + ": deprecated spellings, still read (rename them): "
                    + "ca.api-key-file: " + key + " relative to the working directory → relative to the folder of " + config);
        } finally {
            Files.delete(key);
        }
    }

    /** A self-signed P-256 certificate (CN=gate test CA), for parsing only. */
    static final String TEST_CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBgjCCASmgAwIBAgIUBaNeuSEMEoJWN7JKACwhvnP3epYwCgYIKoZIzj0EAwIw
            FzEVMBMGA1UEAwwMZ2F0ZSB0ZXN0IENBMB4XDTI2MTIwNzAwMjY0MloXDTM2MTIw
            NDAwMjY0MlowFzEVMBMGA1UEAwwMZ2F0ZSB0ZXN0IENBMFkwEwYHKoZIzj0CAQYI
            KoZIzj0DAQcDQgAEznjD8DbGncV4o03Z8zXzYQea45Wu0Bsle0tYtLlk7yxRNDB8
            2afRH3VDdChZfottJOSdvzgQbxvo4wjQneUSPqNTMFEwHQYDVR0OBBYEFM89i8mC
            i97ztyypA8Z8MTargldwMB8GA1UdIwQYMBaAFM89i8mCi97ztyypA8Z8MTargldw
            MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgfyrUeLmxS0IF1NN1
            IJEeTBVITnN5TuOy9u1t8rDGWF4CIDvwQLC9YQWJX1Xb0J6ZvBfCT6OtkGAWpaUJ
            fa8nCaVU
            -----END CERTIFICATE-----
            """;
}
