package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.proxyprotocol.CertificateFacts;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.TlsFacts;
import io.netty.handler.ssl.SslContext;

/** TLS 1.3 clients (JDK, BouncyCastle RFC 8998, the system openssl) through the gateway. */
class GatewayTls13IT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static PpEchoUpstream upstream;
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fixture = new GatewayFixture(dir);
        upstream = PpEchoUpstream.start();
        gateway = Gateway.start(fixture.write(new GatewayFixture.Settings().upstreams(upstream.port())));
        port = gateway.listenerAddress("mqtt").getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.shutdown(Duration.ofSeconds(1));
        upstream.close();
    }

    @Test
    void jdkClientWithEcdsaCertificate() throws Exception {
        Vehicle vehicle = fixture.vehicle(0);
        SslContext context = fixture.jdkClient(vehicle);
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlsHandler(context, port))) {
            assertThat(c.handshakeFailure()).isNull();
            c.send("hello-jdk");
            c.awaitReceived("hello-jdk", Duration.ofSeconds(10));
        }
        ConnectionFacts facts = upstream.nextFacts();
        assertFacts(facts, vehicle.ecdsa().certificate(), vehicle.vin());
        assertThat(facts.tls().orElseThrow().cipher().orElseThrow()).startsWith("TLS_AES_");
        // The JDK sends no SNI for a host name without a dot ("localhost").
        assertThat(facts.authority()).isEmpty();
    }

    @Test
    void bouncyCastleClientWithSm2CertificateNegotiatesTlsSm4GcmSm3() throws Exception {
        Vehicle vehicle = fixture.vehicle(1);
        Sm2Tls13ClientEngines engines = fixture.sm2Client(vehicle);
        try (TestClient c = TestClient.connect(port, () -> engines.newHandler("localhost", port))) {
            assertThat(c.handshakeFailure()).isNull();
            assertThat(c.ssl().engine().getSession().getCipherSuite()).isEqualTo("TLS_SM4_GCM_SM3");
            c.send("hello-sm");
            c.awaitReceived("hello-sm", Duration.ofSeconds(10));
        }
        ConnectionFacts facts = upstream.nextFacts();
        assertFacts(facts, vehicle.sign().certificate(), vehicle.vin());
        assertThat(facts.tls().orElseThrow().cipher()).contains("TLS_SM4_GCM_SM3");
        assertThat(facts.tls().orElseThrow().keyAlgorithm()).contains("SM2");
    }

    @Test
    void opensslSClientWithClientCertificate() throws Exception {
        Vehicle vehicle = fixture.vehicle(0);
        Path out = dir.resolve("s_client.out");
        Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-tls1_3",
                "-cert", fixture.pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".crt").toString(),
                "-key", fixture.pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".key").toString(),
                "-CAfile", fixture.pkiDir.resolve("ecdsa/trust.pem").toString(),
                "-verify_return_error", "-quiet")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            ConnectionFacts facts;
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write("hello-openssl\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                facts = upstream.nextFacts();
                awaitFileContains(out, "hello-openssl");
            }
            assertFacts(facts, vehicle.ecdsa().certificate(), vehicle.vin());
            assertThat(facts.authority()).contains("localhost");
            assertThat(facts.tls().orElseThrow().keyAlgorithm()).contains("EC256");
        } finally {
            // -quiet implies -ign_eof: s_client stays until the server closes, which an echo never does.
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientWithoutCertificateIsRefusedWhenClientAuthIsRequired() throws Exception {
        SslContext anonymous = io.gmtls.crypto.tls.StandardTls13ClientContexts.netty(null, fixture.pki.ecdsaTrust(),
                io.netty.handler.ssl.SslProvider.JDK);
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlsHandler(anonymous, port))) {
            // TLS 1.3: the client may finish its side before the server's alert arrives; no data gets through.
            c.sendIfStillOpen("should-not-pass");
            assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(c.received()).doesNotContain("should-not-pass");
        }
        assertThat(upstream.pollFacts(Duration.ofMillis(200))).isNull();
    }

    static void assertFacts(ConnectionFacts facts, java.security.cert.X509Certificate certificate, String cn) {
        CertificateFacts expected = CertificateFacts.of(certificate);
        TlsFacts tls = facts.tls().orElseThrow();
        assertThat(tls.protocol()).contains("TLSv1.3");
        assertThat(tls.commonName()).contains(cn);
        assertThat(tls.verifyResult()).isZero();
        assertThat(facts.clientCertificateVerified()).isTrue();
        assertThat(facts.certificateSerial()).contains(expected.serialHex());
        assertThat(facts.certificateSm3Fingerprint()).contains(expected.sm3Fingerprint());
        assertThat(facts.uniqueId()).isPresent();
    }

    private static void awaitFileContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("'" + text + "' not in " + Files.readString(file, StandardCharsets.ISO_8859_1));
    }
}
