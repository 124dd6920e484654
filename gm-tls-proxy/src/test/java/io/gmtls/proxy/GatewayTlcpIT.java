package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxyprotocol.CertificateFacts;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.TlsFacts;
import io.gmtls.testsupport.RawDerCertificate;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;

/** TLCP clients (our engine, client side) through the gateway to a PPv2-decoding echo upstream. */
class GatewayTlcpIT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static PpEchoUpstream upstream;
    static Gateway gateway;
    static int port;
    static ListAppender<ILoggingEvent> access;

    @BeforeAll
    static void start() throws Exception {
        fixture = new GatewayFixture(dir);
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
        gateway = Gateway.start(fixture.write(settings));
        port = gateway.listenerAddress("mqtt").getPort();
        access = GatewayFixture.captureAccessLog();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.shutdown(Duration.ofSeconds(1));
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(TlcpCipherSuite.class)
    void tlcpClientReachesTheUpstreamWithItsCertificateFactsInPpv2(TlcpCipherSuite suite) throws Exception {
        Vehicle vehicle = fixture.vehicle(0);
        TlcpContext client = fixture.tlcpClient(vehicle, suite);
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            assertThat(c.handshakeFailure()).isNull();
            c.send("hello " + suite);
            c.awaitReceived("hello " + suite, Duration.ofSeconds(10));

            ConnectionFacts facts = upstream.nextFacts();
            CertificateFacts expected = CertificateFacts.of(vehicle.sign().certificate());
            TlsFacts tls = facts.tls().orElseThrow();
            assertThat(tls.protocol()).contains("TLCPv1.1");
            assertThat(tls.cipher()).contains(suite.openSslName());
            assertThat(tls.commonName()).contains(vehicle.vin());
            assertThat(tls.verifyResult()).isZero();
            assertThat(facts.clientCertificateVerified()).isTrue();
            assertThat(facts.certificateSerial()).contains(expected.serialHex());
            assertThat(facts.certificateSm3Fingerprint()).contains(expected.sm3Fingerprint());
            assertThat(facts.certificateIssuer()).contains(expected.issuerDn());
            assertThat(facts.source().getPort()).isEqualTo(c.channel().localAddress() instanceof java.net.InetSocketAddress a
                    ? a.getPort() : -1);
            assertThat(facts.uniqueId()).isPresent();
            String id = facts.uniqueId().get().asText();
            c.channel().close().sync();
            String line = GatewayFixture.awaitAccessLine(access, "conn=" + id + " ");
            assertThat(line).contains("protocol=TLCPv1.1", "suite=" + suite.openSslName(), "cn=" + vehicle.vin(),
                    "serial=" + expected.serialHex(), "upstream=brokers/127.0.0.1:" + upstream.port(),
                    "close=client_closed");
        }
    }

    @Test
    void clientAppendingAnUnparsableCertificateIsForwardedWithItsVerifiedIdentityNeverAsAnonymous()
            throws Exception {
        // Issue 11 item 1: a valid chain completes mutual authentication; the extra certificate after it
        // must neither hide the client's identity upstream nor keep it out of revocation closing.
        Vehicle vehicle = fixture.vehicle(1);
        RawDerCertificate extra = RawDerCertificate.unparsable(vehicle.sign().certificate());
        RawDerCertificate.requireUnparsable(extra.getEncoded());
        java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(vehicle.sign().chain());
        chain.add(extra);
        TlcpContext client = TlcpContext.builder()
                .signing(vehicle.sign().privateKey(), chain)
                .encryption(vehicle.enc().privateKey(), vehicle.enc().certificate())
                .trustAnchors(fixture.pki.sm2Trust())
                .cipherSuites(java.util.List.of(TlcpCipherSuite.ECDHE_SM4_GCM_SM3))
                .build();
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            assertThat(c.handshakeFailure()).isNull();
            c.send("extra certificate");
            c.awaitReceived("extra certificate", Duration.ofSeconds(10));

            ConnectionFacts facts = upstream.nextFacts();
            CertificateFacts expected = CertificateFacts.of(vehicle.sign().certificate());
            assertThat(facts.tls().orElseThrow().commonName()).contains(vehicle.vin());
            assertThat(facts.tls().orElseThrow().verifyResult()).as("PPv2 verify: 0 = verified").isZero();
            assertThat(facts.clientCertificateVerified()).isTrue();
            assertThat(facts.certificateSerial()).contains(expected.serialHex());
            String id = facts.uniqueId().orElseThrow().asText();
            c.channel().close().sync();
            assertThat(GatewayFixture.awaitAccessLine(access, "conn=" + id + " "))
                    .contains("cn=" + vehicle.vin(), "serial=" + expected.serialHex());
        }
    }

    @Test
    void halfCloseFromTheClientIsForwardedAndTheUpstreamsAnswerComesBack() throws Exception {
        TlcpContext client = fixture.tlcpClient(fixture.vehicle(1), TlcpCipherSuite.ECC_SM4_GCM_SM3);
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            assertThat(c.handshakeSucceeded()).isTrue();
            c.send("before-fin");
            c.awaitReceived("before-fin", Duration.ofSeconds(10));
            upstream.nextFacts();
            // close_notify: the gateway shuts the upstream's input, the echo upstream half-closes back,
            // and the gateway closes the client's side.
            c.ssl().closeOutbound().sync();
            assertThat(c.awaitInputClosed(Duration.ofSeconds(10))).isTrue();
        }
    }
}
