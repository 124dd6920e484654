package io.gmtls.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.proxyprotocol.OptionalTlv;
import io.gmtls.tlcp.TlcpCipherSuite;

class ConfigLoaderTest {

    @TempDir
    Path dir;
    Path file;

    static final String VALID = """
            nodeId: gw1
            listeners:
              - name: mqtt
                bind: "127.0.0.1:8883"
                upstream: brokers
                clientAuth: optional
                tlcp:
                  signCert: sign.crt
                  signKey: sign.key
                  encCert: enc.crt
                  encKey: enc.key
                  trust: trust.pem
                  cipherSuites: [ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3]
                routes:
                  - sni: enroll.example.com
                    upstream: enroll
                limits:
                  maxConnections: 100
                  handshakeTimeout: 500ms
            upstreams:
              brokers:
                balance: least-connections
                servers: ["127.0.0.1:1883", "127.0.0.1:1884"]
                healthCheck: {interval: 2s, timeout: 1s, rise: 2, fall: 3}
                proxyProtocol:
                  crc32c: true
                  tlvs: [cert-serial, ssl-version, unique-id]
              enroll:
                servers: ["127.0.0.1:8080"]
                proxyProtocol: {enabled: false}
            revocation:
              refreshInterval: 30s
              crls:
                - source: ca.crl
                  issuer: trust.pem
            """;

    @BeforeEach
    void files() throws Exception {
        for (String name : new String[] {"sign.crt", "sign.key", "enc.crt", "enc.key", "trust.pem"}) {
            Files.writeString(dir.resolve(name), "x");
        }
        file = dir.resolve("config.yaml");
    }

    private GatewayConfig load(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": " + expected);
    }

    @Test
    void readsAValidFileIntoRecordsWithRelativePathsResolved() throws Exception {
        GatewayConfig config = load(VALID);
        ListenerConfig listener = config.listeners().get(0);
        assertThat(listener.tlcp().orElseThrow().signCert()).isEqualTo(dir.resolve("sign.crt"));
        assertThat(listener.tlcp().orElseThrow().cipherSuites())
                .containsExactly(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECDHE_SM4_CBC_SM3);
        assertThat(listener.clientAuth()).isEqualTo(ListenerConfig.ClientAuthMode.OPTIONAL);
        assertThat(listener.limits().handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(listener.upstreamFor("ENROLL.example.com")).isEqualTo("enroll");
        assertThat(listener.upstreamFor(null)).isEqualTo("brokers");
        UpstreamGroupConfig brokers = config.upstreams().get("brokers");
        assertThat(brokers.balance()).isEqualTo(UpstreamGroupConfig.Balance.LEAST_CONNECTIONS);
        assertThat(brokers.servers()).hasSize(2);
        assertThat(brokers.proxyProtocol().header().crc32c()).isTrue();
        assertThat(brokers.proxyProtocol().header().include())
                .containsExactlyInAnyOrder(OptionalTlv.CERT_SERIAL, OptionalTlv.SSL_VERSION, OptionalTlv.UNIQUE_ID);
        assertThat(config.upstreams().get("enroll").proxyProtocol().enabled()).isFalse();
        assertThat(config.revocation().crls().get(0).file()).contains(dir.resolve("ca.crl"));
        assertThat(config.watchedFiles()).contains(file, dir.resolve("sign.key"), dir.resolve("ca.crl"));
    }

    @Test
    void aMissingFileIsNamedWithItsKey() throws Exception {
        Files.delete(dir.resolve("sign.crt"));
        assertError(VALID, "listeners[0].tlcp.signCert: file " + dir.resolve("sign.crt") + " not found");
    }

    @Test
    void unknownKeysAreRefused() {
        assertError(VALID.replace("    reusePort: false\n", "").replace("clientAuth: optional",
                "clientAuth: optional\n    clientAtuh: none"), "listeners[0].clientAtuh: unknown key "
                + "(known here: name, bind, reusePort, upstream, routes, clientAuth, plaintext, tlcp, tls, limits)");
    }

    @Test
    void typeAndRangeErrorsNameTheKey() {
        assertError(VALID.replace("maxConnections: 100", "maxConnections: 0"),
                "listeners[0].limits.maxConnections: must be between 1 and 10000000, was 0");
        assertError(VALID.replace("handshakeTimeout: 500ms", "handshakeTimeout: soon"),
                "listeners[0].limits.handshakeTimeout: expected a duration like 500ms, 10s, 5m or 1h, found 'soon'");
        assertError(VALID.replace("balance: least-connections", "balance: random"),
                "upstreams.brokers.balance: unknown value 'random' (known: round-robin, least-connections)");
        assertError(VALID.replace("\"127.0.0.1:1884\"", "\"127.0.0.1:99999\""),
                "upstreams.brokers.servers[1]: port 99999 is outside 0..65535");
        assertError(VALID.replace("cipherSuites: [ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3]", "cipherSuites: [RC4]"),
                "listeners[0].tlcp.cipherSuites[0]: unknown TLCP cipher suite 'RC4' (known: ECC-SM2-SM4-GCM-SM3, "
                        + "ECC-SM2-SM4-CBC-SM3, ECDHE-SM2-SM4-GCM-SM3, ECDHE-SM2-SM4-CBC-SM3)");
    }

    @Test
    void referencesBetweenSectionsAreChecked() {
        assertError(VALID.replace("    upstream: enroll\n", "    upstream: nowhere\n"),
                "listeners[0].routes[0].upstream: no upstream group named 'nowhere'");
        assertError(VALID.replace("      trust: trust.pem\n", ""),
                "listeners[0].tlcp.trust: is required when clientAuth is optional");
    }

    @Test
    void badPpv2OptionsNameTheKey() {
        assertError(VALID.replace("tlvs: [cert-serial, ssl-version, unique-id]", "tlvs: [cert-serial, colour]"),
                "upstreams.brokers.proxyProtocol.tlvs: unknown PPv2 option 'colour' (known: "
                        + OptionalTlv.configNames() + ", crc32c)");
    }

    @Test
    void yamlSyntaxErrorsAndEmptyFilesAreReported() throws Exception {
        assertThatThrownBy(() -> load("listeners: [\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML");
        assertError("", "is empty");
        assertError("listeners: 3\nupstreams: {a: {servers: [\"127.0.0.1:1\"]}}\n", "listeners: expected a list, found integer 3");
    }

    @Test
    void aMissingConfigFileIsReported() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ": file not found");
    }

    @Test
    void crlFetchBoundsAndTheExpiredCrlPolicyAreReadAndChecked() throws Exception {
        RevocationConfig defaults = load(VALID).revocation();
        assertThat(defaults.fetchTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.expired()).isEqualTo(RevocationConfig.ExpiredCrl.FAIL_CLOSED);
        RevocationConfig set = load(VALID.replace("  refreshInterval: 30s\n", """
                  refreshInterval: 30s
                  fetchTimeout: 4s
                  connectTimeout: 1s
                  readTimeout: 2s
                  expiredCrl: keep-using
                """)).revocation();
        assertThat(set.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(set.readTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.expired()).isEqualTo(RevocationConfig.ExpiredCrl.KEEP_USING);
        assertError(VALID.replace("  refreshInterval: 30s\n", "  refreshInterval: 30s\n  fetchTimeout: 2s\n  readTimeout: 3s\n"),
                "revocation.readTimeout: must not exceed fetchTimeout (2000 ms)");
        assertError(VALID.replace("  refreshInterval: 30s\n", "  refreshInterval: 30s\n  fetchTimeout: 2s\n  connectTimeout: 3s\n"),
                "revocation.connectTimeout: must not exceed fetchTimeout (2000 ms)");
        assertError(VALID.replace("  refreshInterval: 30s\n", "  refreshInterval: 30s\n  expiredCrl: ignore\n"),
                "revocation.expiredCrl: unknown value 'ignore' (known: fail-closed, keep-using)");
    }

    @Test
    void theAdminEndpointBindsToLoopbackUnlessAHostIsWrittenOut() throws Exception {
        AdminConfig defaulted = load(VALID + "admin: {}\n").admin().orElseThrow();
        assertThat(defaulted.bind().getAddress().isLoopbackAddress()).isTrue();
        assertThat(defaulted.bind().getPort()).isEqualTo(AdminConfig.DEFAULT_PORT);
        assertThat(defaulted.token()).isEmpty();
        AdminConfig portOnly = load(VALID + "admin: {bind: \":9191\"}\n").admin().orElseThrow();
        assertThat(portOnly.bind().getAddress().isLoopbackAddress()).isTrue();
        assertThat(portOnly.bind().getPort()).isEqualTo(9191);
        AdminConfig everywhere = load(VALID + "admin: {bind: \"0.0.0.0:9191\"}\n").admin().orElseThrow();
        assertThat(everywhere.bind().getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void handshakeLimitsHaveSmallerDefaultsAndAreChecked() throws Exception {
        LimitsConfig defaults = load(VALID).listeners().get(0).limits();
        assertThat(defaults.maxHandshakes()).isEqualTo(100);
        assertThat(defaults.maxHandshakesPerSource()).isEqualTo(100);
        LimitsConfig big = load(VALID.replace("maxConnections: 100", "maxConnections: 50000")).listeners().get(0).limits();
        assertThat(big.maxHandshakes()).isEqualTo(LimitsConfig.DEFAULT_MAX_HANDSHAKES);
        LimitsConfig set = load(VALID.replace("maxConnections: 100", "maxConnections: 100\n      maxHandshakes: 20\n"
                + "      maxHandshakesPerSource: 5")).listeners().get(0).limits();
        assertThat(set.maxHandshakes()).isEqualTo(20);
        assertThat(set.maxHandshakesPerSource()).isEqualTo(5);
        assertError(VALID.replace("maxConnections: 100", "maxConnections: 100\n      maxHandshakes: 101"),
                "listeners[0].limits.maxHandshakes: must not exceed maxConnections (100), was 101");
        assertError(VALID.replace("maxConnections: 100", "maxConnections: 100\n      maxHandshakes: 20\n"
                + "      maxHandshakesPerSource: 21"),
                "listeners[0].limits.maxHandshakesPerSource: must not exceed maxHandshakes (20), was 21");
        assertError(VALID.replace("maxConnections: 100", "maxConnections: 100\n      maxHandshakes: 0"),
                "listeners[0].limits.maxHandshakes: must be between 1 and 10000000, was 0");
    }
}
