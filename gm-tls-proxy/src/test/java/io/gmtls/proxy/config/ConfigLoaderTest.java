package io.gmtls.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.config.ConfigException;
import io.gmtls.proxyprotocol.OptionalTlv;
import io.gmtls.tlcp.TlcpCipherSuite;

class ConfigLoaderTest {

    @TempDir
    Path dir;
    Path file;

    static final String VALID = """
            node-id: gw1
            listeners:
              - name: mqtt
                bind: "127.0.0.1:8883"
                upstream: brokers
                client-auth: optional
                tlcp:
                  sign-cert: sign.crt
                  sign-key: sign.key
                  enc-cert: enc.crt
                  enc-key: enc.key
                  trust: trust.pem
                  cipher-suites: [ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3]
                routes:
                  - sni: enroll.example.com
                    upstream: enroll
                limits:
                  max-connections: 100
                  handshake-timeout: 500ms
            upstreams:
              brokers:
                balance: least-connections
                servers: ["127.0.0.1:1883", "127.0.0.1:1884"]
                health-check: {interval: 2s, timeout: 1s, rise: 2, fall: 3}
                proxy-protocol:
                  crc32c: true
                  tlvs: [cert-serial, ssl-version, unique-id]
              enroll:
                servers: ["127.0.0.1:8080"]
                proxy-protocol: {enabled: false}
            revocation:
              refresh-interval: 30s
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
        assertError(VALID, "listeners[0].tlcp.sign-cert: file " + dir.resolve("sign.crt") + " not found");
    }

    @Test
    void unknownKeysAreRefused() {
        assertError(VALID.replace("    reuse-port: false\n", "").replace("client-auth: optional",
                "client-auth: optional\n    client-atuh: none"), "listeners[0].client-atuh: unknown key "
                + "(known here: name, bind, reuse-port, upstream, routes, client-auth, plaintext, tlcp, tls, limits)");
    }

    @Test
    void typeAndRangeErrorsNameTheKey() {
        assertError(VALID.replace("max-connections: 100", "max-connections: 0"),
                "listeners[0].limits.max-connections: must be between 1 and 10000000, was 0");
        assertError(VALID.replace("handshake-timeout: 500ms", "handshake-timeout: soon"),
                "listeners[0].limits.handshake-timeout: expected a duration like 500ms, 10s, 5m, 1h, 1d or PT3S, found 'soon'");
        assertError(VALID.replace("balance: least-connections", "balance: random"),
                "upstreams.brokers.balance: unknown value 'random' (known: round-robin, least-connections)");
        assertError(VALID.replace("\"127.0.0.1:1884\"", "\"127.0.0.1:99999\""),
                "upstreams.brokers.servers[1]: port 99999 is outside 0..65535");
        assertError(VALID.replace("cipher-suites: [ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3]", "cipher-suites: [RC4]"),
                "listeners[0].tlcp.cipher-suites[0]: unknown TLCP cipher suite 'RC4' (known: ECC-SM2-SM4-GCM-SM3, "
                        + "ECC-SM2-SM4-CBC-SM3, ECDHE-SM2-SM4-GCM-SM3, ECDHE-SM2-SM4-CBC-SM3)");
    }

    @Test
    void referencesBetweenSectionsAreChecked() {
        assertError(VALID.replace("    upstream: enroll\n", "    upstream: nowhere\n"),
                "listeners[0].routes[0].upstream: no upstream group named 'nowhere'");
        assertError(VALID.replace("      trust: trust.pem\n", ""),
                "listeners[0].tlcp.trust: is required when client-auth is optional");
    }

    @Test
    void badPpv2OptionsNameTheKey() {
        assertError(VALID.replace("tlvs: [cert-serial, ssl-version, unique-id]", "tlvs: [cert-serial, colour]"),
                "upstreams.brokers.proxy-protocol.tlvs: unknown PPv2 option 'colour' (known: "
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
        RevocationConfig set = load(VALID.replace("  refresh-interval: 30s\n", """
                  refresh-interval: 30s
                  fetch-timeout: 4s
                  connect-timeout: 1s
                  read-timeout: 2s
                  expired-crl: keep-using
                """)).revocation();
        assertThat(set.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(set.readTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.expired()).isEqualTo(RevocationConfig.ExpiredCrl.KEEP_USING);
        assertError(VALID.replace("  refresh-interval: 30s\n", "  refresh-interval: 30s\n  fetch-timeout: 2s\n  read-timeout: 3s\n"),
                "revocation.read-timeout: must not exceed fetch-timeout (2000 ms)");
        assertError(VALID.replace("  refresh-interval: 30s\n", "  refresh-interval: 30s\n  fetch-timeout: 2s\n  connect-timeout: 3s\n"),
                "revocation.connect-timeout: must not exceed fetch-timeout (2000 ms)");
        assertError(VALID.replace("  refresh-interval: 30s\n", "  refresh-interval: 30s\n  expired-crl: ignore\n"),
                "revocation.expired-crl: unknown value 'ignore' (known: fail-closed, keep-using)");
    }

    @Test
    void theRevocationFeedIsReadWithItsKeyFromAFileOrTheEnvironmentNeverInline() throws Exception {
        assertThat(load(VALID).revocation().feed()).as("no feed section: no feed").isEmpty();
        Files.writeString(dir.resolve("feed.key"), "gw-key-0123456789\n");
        FeedConfig feed = load(VALID + """
                  feed:
                    urls: ["http://127.0.0.1:18080/api/v1/revocations/feed", "https://ca2:8443/api/v1/revocations/feed"]
                    api-key-file: feed.key
                """).revocation().feed().orElseThrow();
        assertThat(feed.urls()).hasSize(2);
        assertThat(feed.apiKey()).isEqualTo(new Secret("gw-key-0123456789".toCharArray()));
        assertThat(feed.apiKey().toString()).doesNotContain("gw-key");
        assertThat(feed.apiKeyFile()).contains(dir.resolve("feed.key"));
        assertThat(feed.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(feed.reconnectBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(load(VALID + """
                  feed:
                    urls: "http://127.0.0.1:18080/api/v1/revocations/feed"
                    api-key-file: feed.key
                """).watchedFiles()).as("a rotated key file triggers a reload").contains(dir.resolve("feed.key"));
        FeedConfig fromEnv = load(VALID + """
                  feed:
                    urls: ["http://127.0.0.1:18080/f"]
                    api-key-env: HOME
                    idle-timeout: 3s
                    reconnect-backoff: 50ms
                """).revocation().feed().orElseThrow();
        assertThat(fromEnv.apiKeyEnv()).contains("HOME");
        assertThat(fromEnv.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fromEnv.reconnectBackoff()).isEqualTo(Duration.ofMillis(50));

        String feedHead = VALID + "  feed:\n";
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key: secret-inline\n",
                "revocation.feed.api-key-file: the feed needs an API key from api-key-file or api-key-env (never inline)");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n",
                "revocation.feed.api-key-file: the feed needs an API key from api-key-file or api-key-env (never inline)");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key-file: feed.key\n    api-key-env: HOME\n",
                "revocation.feed.api-key-file: give api-key-file or api-key-env, not both");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key-env: GMTLS_SURELY_UNSET_VARIABLE_31\n",
                "revocation.feed.api-key-env: environment variable GMTLS_SURELY_UNSET_VARIABLE_31 is not set or empty");
        assertError(feedHead + "    urls: [\"ftp://h/f\"]\n    api-key-file: feed.key\n",
                "revocation.feed.urls[0]: 'ftp://h/f' is not an http:// or https:// URL with a host");
        assertError(feedHead + "    urls: [\"http://u:p@h/f\"]\n    api-key-file: feed.key\n",
                "revocation.feed.urls[0]: credentials in the URL are not allowed (use api-key-file or api-key-env)");
        assertError(feedHead + "    urls: []\n    api-key-file: feed.key\n",
                "revocation.feed.urls: at least one feed URL is required");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key-file: feed.key\n    reconnect-backoff: 10s\n",
                "revocation.feed.reconnect-backoff: must be at most 5000 ms");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key-file: feed.key\n    idle-timeout: 10ms\n",
                "revocation.feed.idle-timeout: must be at least 100ms, was 10ms");
        assertError(feedHead + "    urls: [\"http://h/f\"]\n    api-key-file: feed.key\n    idle-timout: 1s\n",
                "revocation.feed.idle-timout: unknown key (known here: urls, api-key-file, api-key-env, idle-timeout, "
                        + "reconnect-backoff)");
        Files.writeString(dir.resolve("bad.key"), "two words\n");
        assertThatThrownBy(() -> load(feedHead + "    urls: [\"http://h/f\"]\n    api-key-file: bad.key\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": revocation.feed.api-key-file: the API key contains a character other than visible ASCII")
                .hasMessageNotContaining("two words");
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
        LimitsConfig big = load(VALID.replace("max-connections: 100", "max-connections: 50000")).listeners().get(0).limits();
        assertThat(big.maxHandshakes()).isEqualTo(LimitsConfig.DEFAULT_MAX_HANDSHAKES);
        LimitsConfig set = load(VALID.replace("max-connections: 100", "max-connections: 100\n      max-handshakes: 20\n"
                + "      max-handshakes-per-source: 5")).listeners().get(0).limits();
        assertThat(set.maxHandshakes()).isEqualTo(20);
        assertThat(set.maxHandshakesPerSource()).isEqualTo(5);
        assertError(VALID.replace("max-connections: 100", "max-connections: 100\n      max-handshakes: 101"),
                "listeners[0].limits.max-handshakes: must not exceed max-connections (100), was 101");
        assertError(VALID.replace("max-connections: 100", "max-connections: 100\n      max-handshakes: 20\n"
                + "      max-handshakes-per-source: 21"),
                "listeners[0].limits.max-handshakes-per-source: must not exceed max-handshakes (20), was 21");
        assertError(VALID.replace("max-connections: 100", "max-connections: 100\n      max-handshakes: 0"),
                "listeners[0].limits.max-handshakes: must be between 1 and 10000000, was 0");
    }

    /** The file as written before keys became kebab-case: operators' files of earlier releases. */
    static final String VALID_CAMEL_CASE = """
            nodeId: gw1
            ioThreads: 2
            listeners:
              - name: mqtt
                bind: "127.0.0.1:8883"
                reusePort: false
                upstream: brokers
                clientAuth: optional
                tlcp:
                  signCert: sign.crt
                  signKey: sign.key
                  encCert: enc.crt
                  encKey: enc.key
                  trust: trust.pem
                  cipherSuites: [ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3]
                  sessionCacheSize: 500
                  sessionTimeout: 2h
                  sessionTickets: true
                routes:
                  - sni: enroll.example.com
                    upstream: enroll
                limits:
                  maxConnections: 100
                  maxConnectionsPerSource: 10
                  acceptRate: 50
                  acceptBurst: 60
                  handshakeTimeout: 500ms
                  idleTimeout: 1d
                  maxHandshakes: 40
                  maxHandshakesPerSource: 4
            upstreams:
              brokers:
                balance: least-connections
                servers: ["127.0.0.1:1883", "127.0.0.1:1884"]
                connectTimeout: 2s
                healthCheck: {interval: 2s, timeout: 1s, rise: 2, fall: 3}
                proxyProtocol:
                  crc32c: true
                  maxHeaderBytes: 600
                  tlvs: [cert-serial, ssl-version, unique-id]
              enroll:
                servers: ["127.0.0.1:8080"]
                proxyProtocol: {enabled: false}
            revocation:
              refreshInterval: 30s
              fetchTimeout: 4s
              connectTimeout: 1s
              readTimeout: 2s
              expiredCrl: keep-using
              crls:
                - source: ca.crl
                  issuer: trust.pem
            admin:
              bind: ":9191"
              tokenFile: trust.pem
            reload: {watch: false, pollInterval: 1s}
            shutdown: {drainTimeout: 3s}
            """;

    @Test
    void anOldCamelCaseFileLoadsToTheSameConfigurationAsItsKebabCaseRewrite() throws Exception {
        List<String> warnings = new ArrayList<>();
        Files.writeString(file, VALID_CAMEL_CASE);
        GatewayConfig old = ConfigLoader.load(file, warnings::add);
        String kebab = VALID_CAMEL_CASE.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT)
                // values that are not keys keep their case
                .replace("ecc-sm2-sm4-gcm-sm3, ecdhe_sm4_cbc_sm3", "ECC-SM2-SM4-GCM-SM3, ECDHE_SM4_CBC_SM3");
        assertThat(kebab).contains("node-id: gw1", "max-handshakes-per-source: 4", "drain-timeout: 3s")
                .doesNotContain("nodeId", "maxConnections");
        List<String> none = new ArrayList<>();
        Files.writeString(file, kebab);
        GatewayConfig now = ConfigLoader.load(file, none::add);

        assertThat(old).isEqualTo(now);
        assertThat(old.listeners().get(0).limits().idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(old.upstreams().get("brokers").proxyProtocol().header().maxHeaderBytes()).isEqualTo(600);
        assertThat(none).isEmpty();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith(file + ": deprecated spellings, still read (rename them): nodeId → node-id, ")
                .contains("maxHandshakesPerSource → max-handshakes-per-source", "signCert → sign-cert",
                        "proxyProtocol → proxy-protocol", "drainTimeout → drain-timeout", "tokenFile → token-file");
        // each old spelling is listed once, though connectTimeout and proxyProtocol occur twice
        assertThat(warnings.get(0).split("connectTimeout → ", -1)).hasSize(2);
        assertThat(warnings.get(0).split("proxyProtocol → ", -1)).hasSize(2);
    }

    @Test
    void oldSpellingErrorsNameTheKeyAsWrittenAndBothSpellingsAtOnceAreRefused() {
        assertError(VALID_CAMEL_CASE.replace("maxConnections: 100", "maxConnections: 0"),
                "listeners[0].limits.maxConnections: must be between 1 and 10000000, was 0");
        assertError(VALID_CAMEL_CASE.replace("nodeId: gw1", "nodeId: gw1\nnode-id: gw2"),
                "node-id: is also written as nodeId: keep one (node-id)");
        assertError(VALID_CAMEL_CASE.replace("ioThreads: 2", "ioThreads: 2\nioThreds: 3"),
                "ioThreds: unknown key (known here: node-id, transport, io-threads, key-passphrase-file, upstreams, "
                        + "listeners, revocation, admin, reload, shutdown, warm-up)");
    }

    @Test
    void warmUpIsOnByDefaultOffWithOffAndAMappingSetsItsCountAndTime() throws Exception {
        assertThat(load(VALID).warmUp()).isEqualTo(WarmUpConfig.DEFAULT);
        assertThat(load(VALID + "warm-up: off\n").warmUp()).isEqualTo(WarmUpConfig.OFF);
        assertThat(load(VALID + "warm-up: {handshakes: 300, max-time: 5s}\n").warmUp())
                .isEqualTo(new WarmUpConfig(true, 300, Duration.ofSeconds(5)));
        assertThat(load(VALID + "warm-up: {max-time: 0s}\n").warmUp().enabled()).as("no time, no warm-up").isFalse();
        assertError(VALID + "warm-up: {handshakes: -1}\n", "warm-up.handshakes: must be between 0 and 1000000, was -1");
        assertError(VALID + "warm-up: {handshake: 10}\n",
                "warm-up.handshake: unknown key (known here: handshakes, max-time)");
        assertThatThrownBy(() -> load(VALID + "warm-up: sometimes\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": warm-up: expected true or false");
    }

    @Test
    void theFullHandshakeBudgetIsOffByDefaultAndRangeChecked() throws Exception {
        assertThat(load(VALID).listeners().get(0).limits().fullHandshakesPerSecond()).isZero();
        assertThat(load(VALID.replace("max-connections: 100", "max-connections: 100\n      full-handshakes-per-second: 250"))
                .listeners().get(0).limits().fullHandshakesPerSecond()).isEqualTo(250);
        assertError(VALID.replace("max-connections: 100", "max-connections: 100\n      full-handshakes-per-second: -5"),
                "listeners[0].limits.full-handshakes-per-second: must be between 0 and 10000000, was -5");
    }

    @Test
    void durationsTakeDaysHoursAndIso8601() throws Exception {
        assertThat(load(VALID.replace("handshake-timeout: 500ms", "handshake-timeout: PT2S")).listeners().get(0)
                .limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(load(VALID.replace("refresh-interval: 30s", "refresh-interval: 1h")).revocation().refreshInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(load(VALID.replace("refresh-interval: 30s", "refresh-interval: 45")).revocation().refreshInterval())
                .isEqualTo(Duration.ofSeconds(45));
        assertError(VALID.replace("refresh-interval: 30s", "refresh-interval: 3651d"),
                "revocation.refresh-interval: must be at most 3650d, was 3651d");
    }

    @Test
    void rulesBetweenSectionsAreOneValidateWhichCodeBuiltConfigurationsCanCallToo() throws Exception {
        GatewayConfig config = load(VALID);
        ListenerConfig listener = config.listeners().get(0);
        ListenerConfig twin = new ListenerConfig(listener.name(), listener.bind(), false, "brokers", List.of(),
                ListenerConfig.ClientAuthMode.NONE, listener.tlcp(), Optional.empty(), false, listener.limits());
        GatewayConfig twice = new GatewayConfig(file, "gw", GatewayConfig.Transport.NIO, 0, List.of(listener, twin),
                config.upstreams(), config.revocation(), Optional.empty(), config.reload(), Duration.ZERO, Optional.empty(),
                io.gmtls.proxy.config.WarmUpConfig.OFF);
        assertThatThrownBy(twice::validate).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": listeners[1].name: listener name 'mqtt' is used twice");
        assertThat(load(VALID.replace("      trust: trust.pem\n", "").replace("client-auth: optional", "client-auth: none"))
                .listeners().get(0).tlcp().orElseThrow().trust()).as("no client certificates, no CAs needed").isEmpty();
    }

    @Test
    void recordsCheckTheirOwnRanges() {
        assertThatThrownBy(() -> new LimitsConfig(0, 1, 0, 1, Duration.ofSeconds(1), Duration.ZERO, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-connections must be between 1 and 10000000, was 0");
        assertThatThrownBy(() -> new ReloadConfig(true, Duration.ofMillis(1)))
                .hasMessage("poll-interval must be between 50ms and 3650d, was 1ms");
        assertThatThrownBy(() -> new UpstreamGroupConfig.HealthCheckConfig(true, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, 1)).hasMessage("rise must be between 1 and 100, was 0");
    }
}
