package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.tlcp.TicketKeySet;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;
import io.netty.handler.ssl.SslHandler;

/**
 * TLCP session tickets across a fleet: two gateways sharing a ticket-key file (as behind an L4 load
 * balancer) resume each other's sessions, and the resumed connection still carries the vehicle's
 * verified certificate facts to the broker.
 */
class GatewayTicketIT {

    @TempDir
    Path dir;

    /** The PPv2 facts of the last {@link #exchange}. */
    private static ConnectionFacts lastFacts;

    @Test
    void aTicketFromOneGatewayResumesOnAnotherSharingTheKeyFile() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        TicketKeySet.generate().save(dir.resolve("ticket-keys"));
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
            settings.ticketKeys = "ticket-keys";
            Path config = fixture.write(settings);
            Gateway first = Gateway.start(config);
            Gateway second = Gateway.start(config);
            try {
                int firstPort = first.listenerAddress("mqtt").getPort();
                int secondPort = second.listenerAddress("mqtt").getPort();
                Vehicle vehicle = fixture.vehicle(0);
                // One client context, one "host:port" as the vehicle sees it behind the load balancer.
                TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                assertThat(exchange(client, firstPort, firstPort, upstream, vehicle)).as("first: full").isFalse();
                assertThat(exchange(client, secondPort, firstPort, upstream, vehicle)).as("second: resumed").isTrue();
            } finally {
                first.shutdown(Duration.ofSeconds(1));
                second.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void withoutASharedFileEachGatewayHasItsOwnKeyAndTicketsDoNotCross() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            Path config = fixture.write(new GatewayFixture.Settings().upstreams(upstream.port()));
            Gateway first = Gateway.start(config);
            Gateway second = Gateway.start(config);
            try {
                int firstPort = first.listenerAddress("mqtt").getPort();
                int secondPort = second.listenerAddress("mqtt").getPort();
                Vehicle vehicle = fixture.vehicle(1);
                TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                assertThat(exchange(client, firstPort, firstPort, upstream, vehicle)).isFalse();
                assertThat(exchange(client, firstPort, firstPort, upstream, vehicle)).as("same gateway: resumed").isTrue();
                assertThat(exchange(client, secondPort, firstPort, upstream, vehicle)).as("other gateway: full").isFalse();
            } finally {
                first.shutdown(Duration.ofSeconds(1));
                second.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aResumedConnectionCarriesExactlyTheFactsOfTheFullOne() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            Gateway gateway = Gateway.start(fixture.write(new GatewayFixture.Settings().upstreams(upstream.port())));
            try {
                int port = gateway.listenerAddress("mqtt").getPort();
                Vehicle vehicle = fixture.vehicle(0);
                TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                assertThat(exchange(client, port, port, upstream, vehicle)).isFalse();
                ConnectionFacts full = lastFacts;
                assertThat(exchange(client, port, port, upstream, vehicle)).isTrue();
                ConnectionFacts resumed = lastFacts;

                // Everything but the connection's own address and id: TLS facts, CN, serial, fingerprint, issuer.
                assertThat(resumed.tls()).isEqualTo(full.tls());
                assertThat(resumed.certificateSerial()).isEqualTo(full.certificateSerial());
                assertThat(resumed.certificateSm3Fingerprint()).isEqualTo(full.certificateSm3Fingerprint());
                assertThat(resumed.certificateIssuer()).isEqualTo(full.certificateIssuer());
                assertThat(resumed.authority()).isEqualTo(full.authority());
                assertThat(resumed.destination()).isEqualTo(full.destination());
                assertThat(resumed.uniqueId()).isNotEqualTo(full.uniqueId());
                assertThat(full.certificateSerial()).isPresent();
                assertThat(full.certificateSm3Fingerprint()).isPresent();
            } finally {
                gateway.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    /** Connects to {@code port} as if to {@code advertisedPort}; returns whether the session was resumed. */
    private static boolean exchange(TlcpContext client, int port, int advertisedPort, PpEchoUpstream upstream,
            Vehicle vehicle) throws Exception {
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, advertisedPort))) {
            assertThat(c.handshakeSucceeded()).isTrue();
            c.send("ping");
            c.awaitReceived("ping", Duration.ofSeconds(10));
            ConnectionFacts facts = upstream.nextFacts();
            lastFacts = facts;
            assertThat(facts.commonName()).contains(vehicle.vin());
            assertThat(facts.clientCertificateVerified()).isTrue();
            SslHandler ssl = c.ssl();
            return ((TlcpSession) ssl.engine().getSession()).resumed();
        }
    }
}
