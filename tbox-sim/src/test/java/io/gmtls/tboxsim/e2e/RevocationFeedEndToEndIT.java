package io.gmtls.tboxsim.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.tboxsim.testing.RevocationFleet;
import io.gmtls.tboxsim.testing.RevocationFleet.Car;
import io.gmtls.tboxsim.testing.RevocationFleet.Held;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.TransportKind;

/**
 * Issue 13 end to end, every part real ({@link RevocationStack}: two pki-ca nodes on one PostgreSQL
 * database, two gm-tls-proxy gateways streaming the revocation feed, vehicles over TLCP and TLS 1.3):
 * an operator revokes a certificate through one CA node's admin API and the vehicle's live connections
 * through both gateways close within a second, after which its new and resumed handshakes are refused;
 * a revocation made while a gateway's feed is cut is applied when the feed reconnects; with the feed
 * down, the CRL still closes the connection. The gateways' CRLs are refreshed hourly here, so what
 * closes a connection within seconds is the feed; the last test has a stack of its own that refreshes
 * them every second.
 */
class RevocationFeedEndToEndIT {

    /** The bound: from the revoke call returning to the live connection closed, on every gateway. */
    private static final Duration BOUND = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    private static RevocationStack stack;
    private static RevocationFleet fleet;
    private final List<Held> held = new ArrayList<>();

    /** The feed stack, started by the first test that needs it. */
    private static synchronized RevocationStack stack() throws Exception {
        if (stack == null) {
            stack = RevocationStack.start(Files.createDirectories(dir.resolve("feed")), 8,
                    new RevocationStack.Options(true, "1h"));
            fleet = new RevocationFleet(stack.pkiDir);
        }
        return stack;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void closeConnections() {
        held.forEach(Held::close);
    }

    @Test
    void aRevocationThroughEitherCaNodeClosesLiveTlcpAndTls13ConnectionsOnBothGatewaysWithinOneSecond()
            throws Exception {
        RevocationStack s = stack();
        Car tlcp = fleet.car(vin(s, 0), TransportKind.TLCP);
        Car tls13 = fleet.car(vin(s, 1), TransportKind.TLS13);
        // Per vehicle and gateway: a full handshake, then a second connection through the same client
        // context that resumes its session; the resumed session is what the refusal below is tried with.
        List<ClientTransport> cached = new ArrayList<>();
        List<Held> live = new ArrayList<>();
        for (Car car : List.of(tlcp, tls13)) {
            for (int g = 1; g <= 2; g++) {
                ClientTransport transport = fleet.transport(car, s.gatewayPort(g));
                Held full = keep(fleet.hold(car, transport, s.gatewayPort(g), car.vin() + "-g" + g));
                Held resumed = keep(fleet.hold(car, transport, s.gatewayPort(g), car.vin() + "-g" + g + "r"));
                assertThat(full.resumed()).isFalse();
                assertThat(resumed.resumed()).as("%s through gateway %d resumes", car, g).isTrue();
                live.add(full);
                live.add(resumed);
                cached.add(transport);
            }
        }

        // The TLCP vehicle revoked on node A (gateway 1's feed source), the TLS 1.3 one on node B.
        long tlcpRevoked = fleet.revoke(s.caUrl('A'), s.operatorKey, tlcp.serial());
        long tls13Revoked = fleet.revoke(s.caUrl('B'), s.operatorKey, tls13.serial());

        for (Held h : live) {
            long revokedAt = h.car() == tlcp ? tlcpRevoked : tls13Revoked;
            long closedAt = h.awaitClosed(Duration.ofSeconds(10));
            assertThat(closedAt).as("%s still connected 10 s after its revocation", h.car()).isPositive();
            assertThat(Duration.ofNanos(closedAt - revokedAt)).as("%s: revoke answered → connection closed", h.car())
                    .isLessThanOrEqualTo(BOUND);
        }
        // New handshakes are refused: with the cached session (a resumption attempt) and with a fresh
        // context (a full handshake), on both gateways.
        int i = 0;
        for (Car car : List.of(tlcp, tls13)) {
            for (int g = 1; g <= 2; g++) {
                ClientTransport withSession = cached.get(i++);
                int port = s.gatewayPort(g);
                assertResumptionRefused(s, g, () -> fleet.hold(car, withSession, port, car.vin() + "-again"),
                        car + " resuming, gateway " + g);
                assertRefused(() -> fleet.hold(car, port, car.vin() + "-again"), car + " full handshake, gateway " + g);
            }
        }
        // Another vehicle on the same gateways is untouched.
        Car other = fleet.car(vin(s, 2), TransportKind.TLCP);
        keep(fleet.hold(other, s.gatewayPort(1), other.vin() + "-g1"));
        keep(fleet.hold(other, s.gatewayPort(2), other.vin() + "-g2"));
    }

    @Test
    void aRevocationMadeWhileAGatewaysFeedIsCutIsAppliedWhenItReconnects() throws Exception {
        RevocationStack s = stack();
        Car tlcp = fleet.car(vin(s, 3), TransportKind.TLCP);
        Car tls13 = fleet.car(vin(s, 4), TransportKind.TLS13);
        List<Held> viaCutFeed = List.of(keep(fleet.hold(tlcp, s.gatewayPort(1), tlcp.vin() + "-g1")),
                keep(fleet.hold(tls13, s.gatewayPort(1), tls13.vin() + "-g1")));
        List<Held> viaLiveFeed = List.of(keep(fleet.hold(tlcp, s.gatewayPort(2), tlcp.vin() + "-g2")),
                keep(fleet.hold(tls13, s.gatewayPort(2), tls13.vin() + "-g2")));

        s.feedRelay().cut();
        long revoked = 0;
        for (Car car : List.of(tlcp, tls13)) {
            revoked = fleet.revoke(s.caUrl('B'), s.operatorKey, car.serial());
        }
        // Gateway 2's feed is up: closed at once. Gateway 1 has no way to learn of it (feed cut, CRL hourly).
        for (Held h : viaLiveFeed) {
            long closedAt = h.awaitClosed(Duration.ofSeconds(10));
            assertThat(closedAt).as("%s on gateway 2", h.car()).isPositive();
            assertThat(Duration.ofNanos(closedAt - revoked)).isLessThanOrEqualTo(BOUND);
        }
        Thread.sleep(500);
        assertThat(viaCutFeed).as("gateway 1 learnt of the revocation with its feed cut").noneMatch(Held::isClosed);

        s.feedRelay().restore();
        for (Held h : viaCutFeed) {
            long closedAt = h.awaitClosed(Duration.ofSeconds(15));
            assertThat(closedAt).as("%s on gateway 1 after its feed came back", h.car()).isPositive();
            // Catch-up from the moment the gateway reconnected (its backoff decides when that is).
            assertThat(Duration.ofNanos(closedAt - s.feedRelay().lastAccepted())).as("%s: reconnect → closed", h.car())
                    .isLessThanOrEqualTo(BOUND);
        }
        assertRefused(() -> fleet.hold(tlcp, s.gatewayPort(1), tlcp.vin() + "-again"), "after catch-up");
    }

    @Test
    void withTheFeedDownTheCrlStillClosesTheConnection(@TempDir Path own) throws Exception {
        // A stack of its own whose gateways fetch the CRL every second; gateway 1's feed is cut throughout.
        try (RevocationStack crl = RevocationStack.start(own, 2, new RevocationStack.Options(true, "1s"))) {
            crl.feedRelay().cut();
            RevocationFleet cars = new RevocationFleet(crl.pkiDir);
            Car car = cars.car(crl.pki.vehicles().get(0).vin(), TransportKind.TLCP);
            Held h = keep(cars.hold(car, crl.gatewayPort(1), car.vin() + "-g1"));
            long revoked = cars.revoke(crl.caUrl('A'), crl.operatorKey, car.serial());
            long closedAt = h.awaitClosed(Duration.ofSeconds(15));
            assertThat(closedAt).as("still connected 15 s after the revocation, feed down, CRL every second").isPositive();
            // The next CRL fetch after the revocation, plus the fetch itself: a few seconds at most.
            assertThat(Duration.ofNanos(closedAt - revoked)).isLessThan(Duration.ofSeconds(5));
            assertRefused(() -> cars.hold(car, crl.gatewayPort(1), car.vin() + "-again"), "after the CRL");
        }
    }

    // ---- helpers

    private static String vin(RevocationStack s, int i) {
        List<Vehicle> vehicles = s.pki.vehicles();
        return vehicles.get(i).vin();
    }

    private Held keep(Held h) {
        held.add(h);
        return h;
    }

    private interface Attempt {
        Held run() throws Exception;
    }

    /**
     * A resumption attempt with a revoked certificate's session gets nowhere. TLCP's engine refuses it in
     * the handshake (certificate_revoked). A TLS 1.3 resumption carries no certificate, so the engine
     * completes it; the gateway then checks the session's certificate before relaying a byte and closes
     * the connection (counted as a revoked connection closed): the vehicle never gets its CONNACK.
     */
    private void assertResumptionRefused(RevocationStack s, int gateway, Attempt attempt, String what) {
        double before = revokedClosed(s, gateway);
        assertThatThrownBy(() -> keep(attempt.run())).as(what).isInstanceOf(IOException.class)
                .satisfies(e -> {
                    if (!e.getMessage().contains("certificate_revoked")) {
                        assertThat(e.getMessage()).as(what).isEqualTo("connection closed before the subscription");
                        assertThat(revokedClosed(s, gateway)).as(what + ": closed by the gateway as revoked")
                                .isEqualTo(before + 1);
                    }
                });
    }

    private static double revokedClosed(RevocationStack s, int gateway) {
        var counter = s.gateway(gateway).metrics().registry().find("gateway.revoked.connections.closed").counter();
        return counter == null ? 0 : counter.count();
    }

    private void assertRefused(Attempt attempt, String what) {
        assertThatThrownBy(() -> keep(attempt.run())).as(what).isInstanceOf(IOException.class)
                .hasMessageContaining("certificate_revoked");
    }
}
