package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.config.ConfigException;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;

/**
 * The gateway with its TLCP keys as GmSSL 3 writes them ({@code gmssl sm2keygen -pass}: PBKDF2 with
 * HMAC-SM3 {@code 1.2.156.10197.1.401.2}, SM4-CBC): the GmSSL interop server's certificates and keys from
 * {@code gmssl-keys/}, passphrase {@code 1234} in {@code keyPassphraseFile}.
 */
class GatewayGmsslKeyIT {

    private static final String[] FILES = {"ca.crt", "server_sign.crt", "server_enc.crt",
        "encrypted/server_sign.key", "encrypted/server_enc.key"};

    @TempDir
    Path dir;

    @Test
    void theGatewayStartsWithGmsslEncryptedKeysAndCompletesATlcpHandshakeWithThem() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        PpEchoUpstream upstream = PpEchoUpstream.start();
        Path config = gmsslConfig(fixture, upstream.port(), "1234\n");
        Gateway gateway = Gateway.start(config);
        try {
            int port = gateway.listenerAddress("mqtt").getPort();
            Vehicle vehicle = fixture.vehicle(0);
            List<X509Certificate> gmsslCa = Pem.certificates(dir.resolve("gmssl/ca.crt"));
            for (TlcpCipherSuite suite : List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECDHE_SM4_GCM_SM3)) {
                // ECC: the client encrypts the pre-master secret to server_enc.crt, so the gateway must hold
                // the decrypted encryption key; ECDHE: it signs with the decrypted signing key.
                TlcpContext client = TlcpContext.builder()
                        .signing(vehicle.sign().privateKey(), vehicle.sign().chain())
                        .encryption(vehicle.enc().privateKey(), vehicle.enc().certificate())
                        .trustAnchors(gmsslCa)
                        .cipherSuites(List.of(suite))
                        .build();
                try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
                    assertThat(c.handshakeFailure()).as(suite.name()).isNull();
                    assertThat(c.ssl().engine().getSession().getPeerCertificates()[0])
                            .isEqualTo(Pem.certificates(dir.resolve("gmssl/server_sign.crt")).get(0));
                    c.send("over GmSSL keys " + suite);
                    c.awaitReceived("over GmSSL keys " + suite, Duration.ofSeconds(10));
                    assertThat(upstream.nextFacts().clientCertificateVerified()).isTrue();
                }
            }
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            upstream.close();
        }
    }

    @Test
    void aWrongPassphraseStopsTheStartWithOneClearError() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        Path config = gmsslConfig(fixture, 1883, "4321\n");

        assertThatThrownBy(() -> Gateway.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wrong passphrase or corrupt key file: "
                        + dir.resolve("gmssl/encrypted/server_sign.key"))
                .hasMessageNotContaining("4321");
    }

    @Test
    void theRunnableJarPrintsOneLineForAWrongPassphrase() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        Path config = gmsslConfig(fixture, 1883, "not-the-passphrase\n");
        Path jar = Path.of("target/gm-tls-proxy.jar").toAbsolutePath();
        assertThat(jar).exists();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString(), "--check").start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(stderr).isEqualTo(GatewayMain.EXIT_CONFIG);
        assertThat(stderr.strip().lines().count()).as(stderr).isEqualTo(1);
        assertThat(stderr).contains("wrong passphrase or corrupt key file: " + dir.resolve("gmssl/encrypted/server_sign.key"))
                .doesNotContain("not-the-passphrase").doesNotContain("Exception");
    }

    /** The fixture's configuration with GmSSL's server certificates and encrypted keys on the TLCP listener. */
    private Path gmsslConfig(GatewayFixture fixture, int upstreamPort, String passphrase) throws IOException {
        Path gmssl = dir.resolve("gmssl");
        Files.createDirectories(gmssl.resolve("encrypted"));
        for (String name : FILES) {
            try (InputStream in = GatewayGmsslKeyIT.class.getResourceAsStream("/gmssl-keys/" + name)) {
                assertThat(in).as(name).isNotNull();
                Files.copy(in, gmssl.resolve(name));
            }
        }
        Files.writeString(gmssl.resolve("passphrase"), passphrase, StandardCharsets.UTF_8);
        Path config = fixture.write(new GatewayFixture.Settings().upstreams(upstreamPort));
        String yaml = Files.readString(config)
                .replace("sign-cert: pki/sm2/gateway-sign-chain.pem", "sign-cert: gmssl/server_sign.crt")
                .replace("sign-key: pki/sm2/gateway-sign.key", "sign-key: gmssl/encrypted/server_sign.key")
                .replace("enc-cert: pki/sm2/gateway-enc.crt", "enc-cert: gmssl/server_enc.crt")
                .replace("enc-key: pki/sm2/gateway-enc.key", "enc-key: gmssl/encrypted/server_enc.key");
        assertThat(yaml).contains("gmssl/server_sign.crt", "gmssl/encrypted/server_sign.key", "gmssl/server_enc.crt",
                "gmssl/encrypted/server_enc.key");
        Files.writeString(config, "key-passphrase-file: gmssl/passphrase\n" + yaml, StandardCharsets.UTF_8);
        return config;
    }
}
