package io.gmtls.brokeradapter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.config.ConfigException;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;

/** {@link GateConfig#validate(String)}: the rules between fields, for configurations built in code. */
class GateConfigTest {

    @Test
    void plainHttpToARemoteCaIsRefusedNamingSourceAndKey() {
        GateConfig remote = config(new CaSettings(URI.create("http://10.0.0.5:8080/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8));
        assertThatThrownBy(() -> remote.validate("code.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("code.yaml: ca.authn-url: plain http is allowed only to a loopback address (127.0.0.1, [::1], "
                        + "localhost), not to 10.0.0.5: use https (with ca.trust for a private CA)")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("ca.authn-url"));
        for (String host : new String[] {"127.0.0.1", "127.3.4.5", "[::1]", "localhost"}) {
            GateConfig loopback = config(new CaSettings(URI.create("http://" + host + ":8080/api/v1/broker/authn"),
                    Duration.ofSeconds(3), 64 * 1024, 8));
            assertThatCode(() -> loopback.validate("code.yaml")).doesNotThrowAnyException();
        }
        GateConfig https = config(new CaSettings(URI.create("https://ca.example.com/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8));
        assertThatCode(() -> https.validate("code.yaml")).doesNotThrowAnyException();
    }

    @Test
    void trustAnchorsAreOnlyForHttps() throws Exception {
        List<X509Certificate> trust = List.of((X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(GateConfigLoaderTest.TEST_CA_PEM.getBytes(StandardCharsets.US_ASCII))));
        GateConfig http = config(new CaSettings(URI.create("http://127.0.0.1:8080/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8, Optional.empty(), trust));
        assertThatThrownBy(() -> http.validate("code.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("code.yaml: ca.trust: is only for an https authn-url");
        // Also before the loopback rule, as the loader reported it before.
        GateConfig remoteHttp = config(new CaSettings(URI.create("http://10.0.0.5:8080/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8, Optional.empty(), trust));
        assertThatThrownBy(() -> remoteHttp.validate("code.yaml")).hasMessage("code.yaml: ca.trust: is only for an https authn-url");
        GateConfig https = config(new CaSettings(URI.create("https://ca.example.com/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8, Optional.empty(), trust));
        assertThatCode(() -> https.validate("code.yaml")).doesNotThrowAnyException();
    }

    @Test
    void theGateRefusesToStartWithAConfigurationBuiltInCodeThatBreaksARule() {
        GateConfig remote = config(new CaSettings(URI.create("http://10.0.0.5:8080/api/v1/broker/authn"),
                Duration.ofSeconds(3), 64 * 1024, 8));
        assertThatThrownBy(() -> AuthGateServer.start(remote, request -> {
            throw new AssertionError("not called");
        }, null, 1)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("gate configuration: ca.authn-url: plain http is allowed only to a loopback address");
    }

    private static GateConfig config(CaSettings ca) {
        return new GateConfig(new InetSocketAddress("127.0.0.1", 0), GatewayAllowList.of("127.0.0.1"),
                ReceiverSettings.defaults(), new BrokerTarget("127.0.0.1", 1883, Duration.ofSeconds(2)), ca,
                new GateLimits(100, Duration.ofSeconds(10), 4096, 1024 * 1024, 65536),
                new GatePolicy(false, false, false, false), Optional.empty());
    }
}
