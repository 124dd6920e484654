package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;

/**
 * A CRL change swaps revocation data only (issue 11, item 7): the TLCP context with its session cache
 * and ticket key serves on, so vehicles resume after the reload, while the new CRL refuses the vehicle
 * it revokes. Real handshakes over real sockets through the gateway.
 */
class GatewayCrlReloadIT {

    @TempDir
    Path dir;

    @Test
    void aCrlReloadKeepsTlcpSessionsResumableAndStillRefusesANewlyRevokedCertificate() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            Gateway gateway = Gateway.start(fixture.write(new GatewayFixture.Settings().upstreams(upstream.port())));
            try {
                int port = gateway.listenerAddress("mqtt").getPort();
                Vehicle kept = fixture.vehicle(0);
                Vehicle revoked = fixture.vehicle(1);
                TlcpContext keptClient = fixture.tlcpClient(kept, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                TlcpContext revokedClient = fixture.tlcpClient(revoked, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                assertThat(handshake(keptClient, port, upstream)).as("first connection: full handshake").isFalse();
                assertThat(handshake(revokedClient, port, upstream)).isFalse();

                List<BigInteger> serials = List.of(fixture.pki.revokedVehicle().sign().certificate().getSerialNumber(),
                        fixture.pki.revokedVehicle().enc().certificate().getSerialNumber(),
                        revoked.sign().certificate().getSerialNumber());
                Crls.write(fixture.pkiDir.resolve("sm2/issuing-ca.crl"), fixture.pki.sm2Issuing(), serials);
                // What the file watcher runs when it sees the CRL change.
                assertThat(gateway.reload()).isNull();

                assertThat(handshake(keptClient, port, upstream)).as("after the CRL reload: resumed").isTrue();
                try (TestClient again = TestClient.connect(port,
                        () -> GatewayFixture.tlcpHandler(revokedClient, port))) {
                    assertThat(again.handshakeSucceeded()).as("revoked vehicle, cached session").isFalse();
                }
                TlcpContext freshRevoked = fixture.tlcpClient(revoked, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                try (TestClient again = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(freshRevoked, port))) {
                    assertThat(again.handshakeSucceeded()).as("revoked vehicle, full handshake").isFalse();
                }
            } finally {
                gateway.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    /** One connection with an exchange; returns whether the TLCP session was resumed. */
    private static boolean handshake(TlcpContext client, int port, PpEchoUpstream upstream) throws Exception {
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            assertThat(c.handshakeSucceeded()).isTrue();
            c.send("ping");
            c.awaitReceived("ping", Duration.ofSeconds(10));
            upstream.nextFacts();
            return ((TlcpSession) c.ssl().engine().getSession()).resumed();
        }
    }
}
