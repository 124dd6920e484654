package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SSLEngine;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.tls.Rfc8998;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.certsdev.Vehicle;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8998 over real sockets: a BouncyCastle client that offers only TLS_SM4_GCM_SM3, curveSM2 and
 * sm2sig_sm3, with an SM2 vehicle certificate, against the selector and the BCJSSE server engine.
 */
class Sm2Tls13HandshakeIT {

    private static EchoServer server;

    @BeforeAll
    static void start() throws Exception {
        Tls13ServerContexts contexts = Tls13ServerContexts
                .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(TestPki.PKI)))
                .clientAuth(TestPki.clientAuth(ClientAuth.REQUIRE))
                .build();
        server = new EchoServer(contexts, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Sm2Tls13ClientEngines client(Vehicle vehicle) throws Exception {
        return Sm2Tls13ClientEngines.create(vehicle == null ? null : TestPki.credential(vehicle.sign()),
                TestPki.PKI.sm2Trust());
    }

    @Test
    void clientOffersOnlyTheRfc8998Profile() throws Exception {
        SSLEngine engine = client(TestPki.PKI.vehicles().get(0)).newEngine("Gateway.Example", 443);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        // Record header (5) and handshake header (4) precede the ClientHello body.
        ClientHelloSummary hello = ClientHelloParser.parse(Unpooled.wrappedBuffer(out).skipBytes(9));

        assertThat(hello.cipherSuites()).containsExactly(Rfc8998.TLS_SM4_GCM_SM3);
        assertThat(hello.supportedGroups()).containsExactly(Rfc8998.CURVE_SM2);
        assertThat(hello.signatureAlgorithms()).containsExactly(Rfc8998.SM2SIG_SM3);
        assertThat(hello.supportedVersions()).containsExactly(Rfc8998.TLS13_VERSION);
        assertThat(hello.serverName()).isEqualTo("gateway.example");
    }

    @Test
    void mutualAuthenticationWithAnSm2VehicleCertificate() throws Exception {
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        Sm2Tls13ClientEngines tls = client(vehicle);

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("localhost", server.port()), "hello over TLS_SM4_GCM_SM3");
        EchoServer.Observed seen = server.next();

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.echo()).isEqualTo("hello over TLS_SM4_GCM_SM3");
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
        assertThat(outcome.cipherSuite()).isEqualTo("TLS_SM4_GCM_SM3");
        assertThat(outcome.peerSubject()).isEqualTo(
                TestPki.PKI.gatewaySm2Tls().certificate().getSubjectX500Principal().getName());

        assertThat(seen.handshakeSucceeded()).isTrue();
        assertThat(seen.selection()).isEqualTo(new Tls13Selection("localhost", Tls13EngineKind.SM2_BOUNCYCASTLE));
        assertThat(seen.selectionAttribute()).isEqualTo(seen.selection());
        assertThat(seen.protocol()).isEqualTo("TLSv1.3");
        assertThat(seen.cipherSuite()).isEqualTo("TLS_SM4_GCM_SM3");
        assertThat(seen.peerCertificates()).isNotEmpty();
        assertThat(seen.peerCertificates().get(0)).isEqualTo(vehicle.sign().certificate());
        assertThat(Sm2Keys.isSm2(seen.peerCertificates().get(0))).isTrue();
    }

    @Test
    void clientCertificateFromAnUnknownCaIsRefusedWithUnknownCa() throws Exception {
        Vehicle stranger = TestPki.FOREIGN.vehicles().get(0);
        Sm2Tls13ClientEngines tls = Sm2Tls13ClientEngines.create(TestPki.credential(stranger.sign()),
                TestPki.PKI.sm2Trust());

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("localhost", server.port()), "let me in");
        EchoServer.Observed seen = server.next();

        assertThat(outcome.echo()).isNull();
        assertThat(outcome.failureText()).contains("unknown_ca");
        assertThat(seen.handshakeSucceeded()).isFalse();
        assertThat(seen.handshakeFailure()).isNotNull();
    }

    @Test
    void noClientCertificateIsRefusedWhenRequired() throws Exception {
        Sm2Tls13ClientEngines tls = client(null);

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("localhost", server.port()), "anonymous");
        EchoServer.Observed seen = server.next();

        assertThat(outcome.echo()).isNull();
        assertThat(outcome.failureText()).contains("certificate_required");
        assertThat(seen.handshakeSucceeded()).isFalse();
    }

    @Test
    void revokedVehicleIsRefusedWithCertificateRevoked() throws Exception {
        Sm2Tls13ClientEngines tls = client(TestPki.PKI.revokedVehicle());

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("localhost", server.port()), "revoked");
        server.next();

        assertThat(outcome.echo()).isNull();
        assertThat(outcome.failureText()).contains("certificate_revoked");
    }

    @Test
    void clientRefusesAServerChainItDoesNotTrust() throws Exception {
        Sm2Tls13ClientEngines tls = Sm2Tls13ClientEngines.create(
                TestPki.credential(TestPki.PKI.vehicles().get(0).sign()), TestPki.FOREIGN.sm2Trust());

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("localhost", server.port()), "who are you");
        EchoServer.Observed seen = server.next();

        assertThat(outcome.echo()).isNull();
        assertThat(outcome.failureText()).contains("unknown_ca");
        assertThat(seen.handshakeSucceeded()).isFalse();
        assertThat(List.of(seen.selection().engine())).containsExactly(Tls13EngineKind.SM2_BOUNCYCASTLE);
    }
}
