package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxy.relay.AccessLog;
import io.gmtls.proxy.warmup.WarmUp;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;

/**
 * Storm-aware admission over real sockets: with a budget of one full handshake per second, a burst of
 * new vehicles is shed before any cryptography (closed, counted by reason) while vehicles coming back
 * with a session the gateway knows are all served, resumed; the metrics count handshakes by kind and
 * suite, and the refusals make one log line per period. And the start-up warm-up runs before the
 * listeners open.
 */
class GatewayAdmissionIT {

    private static final int RETURNING = 6;
    private static final int NEW = 12;

    @TempDir
    Path dir;

    @Test
    void beyondTheBudgetFullHandshakesAreShedAndResumptionsServed() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
            Gateway gateway = Gateway.start(fixture.write(settings));
            ExecutorService pool = Executors.newFixedThreadPool(NEW);
            Logger refusals = (Logger) LoggerFactory.getLogger("io.gmtls.proxy.refusals");
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            refusals.addAppender(logged);
            try {
                int port = gateway.listenerAddress("mqtt").getPort();
                Vehicle vehicle = fixture.vehicle(0);
                // Vehicles connected before the storm: each keeps its session (one client context each).
                List<TlcpContext> returning = new ArrayList<>();
                for (int i = 0; i < RETURNING; i++) {
                    TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                    assertThat(connect(client, port)).as("first connection: full").isEqualTo(Outcome.FULL);
                    returning.add(client);
                }
                // The budget comes with a reload: the TLCP context (with its session cache) is kept.
                settings.fullHandshakesPerSecond = 1;
                fixture.write(settings);
                assertThat(gateway.reload()).isNull();

                long start = System.nanoTime();
                List<Future<Outcome>> fresh = new ArrayList<>();
                for (int i = 0; i < NEW; i++) {
                    TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECC_SM4_GCM_SM3);
                    fresh.add(pool.submit(() -> connect(client, port)));
                }
                int served = 0;
                for (Future<Outcome> f : fresh) {
                    Outcome outcome = f.get();
                    assertThat(outcome).isNotEqualTo(Outcome.RESUMED);
                    served += outcome == Outcome.FULL ? 1 : 0;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // One per second with a burst of one: however slow the machine, no more than that.
                assertThat(served).as("full handshakes in %.1f s", seconds).isLessThanOrEqualTo(2 + (int) seconds);
                assertThat(NEW - served).as("shed").isPositive();

                // The budget is spent, and every returning vehicle is served all the same, resumed.
                for (TlcpContext client : returning) {
                    assertThat(connect(client, port)).isEqualTo(Outcome.RESUMED);
                }

                String scrape = gateway.metrics().scrape();
                assertThat(counter(scrape, "gateway_handshakes_refused_total", "reason=\"full_handshake_budget\""))
                        .isEqualTo(NEW - served);
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"refused\"")).isEqualTo(NEW - served);
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"resumed\"")).isEqualTo(RETURNING);
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"full\"")).isEqualTo(RETURNING + served);
                assertThat(counter(scrape, "gateway_connections_refused_total", "reason=\"full_handshake_budget\""))
                        .isEqualTo(NEW - served);
                // By suite too: the negotiated one for those served, none for those shed before the engine.
                String suite = "suite=\"" + TlcpCipherSuite.ECC_SM4_GCM_SM3.openSslName() + "\"";
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"resumed\"", suite)).isEqualTo(RETURNING);
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"full\"", suite)).isEqualTo(RETURNING + served);
                assertThat(counter(scrape, "gateway_handshakes_total", "kind=\"refused\"", "suite=\"none\""))
                        .isEqualTo(NEW - served);

                // Logged once per period (10 s): the burst of sheds is one line, not one per connection.
                double elapsed = (System.nanoTime() - start) / 1e9;
                List<String> budgetLines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("full_handshake_budget")).toList();
                assertThat(budgetLines).as("in %.1f s", elapsed).hasSizeBetween(1, 1 + (int) (elapsed / 10));
            } finally {
                refusals.detachAppender(logged);
                pool.shutdownNow();
                gateway.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void theWarmUpRunsEveryKindThroughTheRealPipelineBeforeTheListenersOpenAndLeavesNoTrace() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        ListAppender<ILoggingEvent> access = GatewayFixture.captureAccessLog();
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
            settings.warmUp = "{handshakes: 36, max-time: 120s}";
            settings.fullHandshakesPerSecond = 1_000;
            Gateway gateway = Gateway.start(fixture.write(settings));
            try {
                WarmUp.Result warm = gateway.warmUp();
                assertThat(warm.completed()).isTrue();
                assertThat(warm.handshakes()).isEqualTo(36);
                // Each kind the listener serves, over sockets through the relay: every connection's byte came
                // back from the sink, after the PPv2 header the relay wrote.
                assertThat(warm.byKind()).containsOnlyKeys("tlcp-ECC_SM4_GCM_SM3-full", "tlcp-ECDHE_SM4_GCM_SM3-full",
                        "tlcp-ECC_SM4_GCM_SM3-resumed-id", "tlcp-ECC_SM4_GCM_SM3-resumed-ticket", "tls13-ecdsa-full",
                        "tls13-sm-full");
                // The first quarter (9) takes the kinds in turn, the other 27 the two resuming kinds in turn.
                assertThat(warm.byKind()).containsEntry("tlcp-ECC_SM4_GCM_SM3-full", 2)
                        .containsEntry("tlcp-ECDHE_SM4_GCM_SM3-full", 2).containsEntry("tls13-ecdsa-full", 1)
                        .containsEntry("tls13-sm-full", 1).containsEntry("tlcp-ECC_SM4_GCM_SM3-resumed-id", 15)
                        .containsEntry("tlcp-ECC_SM4_GCM_SM3-resumed-ticket", 15);
                // Then the JIT settles while connections run one at a time (at most as many again), counted apart.
                assertThat(warm.settleConnections()).isBetween(0, 36);
                assertThat(warm.upstreamHeaders()).isEqualTo(36 + warm.settleConnections());
                assertThat(warm.resumed()).as("both resumed kinds but their first connections").isGreaterThanOrEqualTo(20);
                // Not in the operators' metrics (beyond the warm-up's own gauge), not at the real upstream,
                // not in the access log.
                String scrape = gateway.metrics().scrape();
                assertThat(counter(scrape, "gateway_warmup_handshakes", "")).isEqualTo(36);
                assertThat(counter(scrape, "gateway_handshakes_total", "")).as("not the listeners' handshakes").isZero();
                assertThat(scrape).doesNotContain("warm-up\"");
                assertThat(access.list).as("no access line for a warm-up connection").isEmpty();
                // The listener's own session cache and metrics start empty: a vehicle's first connection is
                // full, its second resumes, and they are the only handshakes counted.
                Vehicle vehicle = fixture.vehicle(1);
                TlcpContext client = fixture.tlcpClient(vehicle, TlcpCipherSuite.ECDHE_SM4_GCM_SM3);
                int port = gateway.listenerAddress("mqtt").getPort();
                assertThat(connect(client, port)).isEqualTo(Outcome.FULL);
                assertThat(upstream.nextFacts().commonName()).as("the real upstream's first header: the vehicle's")
                        .contains(vehicle.vin());
                assertThat(connect(client, port)).isEqualTo(Outcome.RESUMED);
                assertThat(counter(gateway.metrics().scrape(), "gateway_handshakes_total", "")).isEqualTo(2);
                GatewayFixture.awaitAccessLine(access, "listener=mqtt");
            } finally {
                gateway.shutdown(Duration.ofSeconds(1));
            }
        } finally {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(access);
        }
    }

    @Test
    void withTheWarmUpOffTheListenersOpenAtOnceAndServe() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = PpEchoUpstream.start()) {
            GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
            settings.warmUp = "off";
            Gateway gateway = Gateway.start(fixture.write(settings));
            try {
                assertThat(gateway.warmUp().handshakes()).isZero();
                assertThat(connect(fixture.tlcpClient(fixture.vehicle(1), TlcpCipherSuite.ECC_SM4_GCM_SM3),
                        gateway.listenerAddress("mqtt").getPort())).isEqualTo(Outcome.FULL);
            } finally {
                gateway.shutdown(Duration.ofSeconds(1));
            }
        }
    }

    private enum Outcome { FULL, RESUMED, REFUSED }

    private static Outcome connect(TlcpContext client, int port) throws Exception {
        try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
            if (!c.handshakeSucceeded()) {
                return Outcome.REFUSED;
            }
            c.send("ping");
            c.awaitReceived("ping", Duration.ofSeconds(30));
            return ((TlcpSession) c.ssl().engine().getSession()).resumed() ? Outcome.RESUMED : Outcome.FULL;
        }
    }

    /** The sum of a Prometheus counter or gauge over the lines holding every one of {@code labels}. */
    private static long counter(String scrape, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
        double sum = 0;
        while (m.find()) {
            String found = m.group(1);
            if (java.util.Arrays.stream(labels).allMatch(l -> l.isEmpty() || found != null && found.contains(l))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return Math.round(sum);
    }
}
