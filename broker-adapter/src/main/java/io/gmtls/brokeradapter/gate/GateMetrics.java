package io.gmtls.brokeradapter.gate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gate's meters (Prometheus names after the registry's conversion):
 * <ul>
 *   <li>{@code gate_connections_active}: client connections open now;</li>
 *   <li>{@code gate_connections_refused_total{reason}}: closed before a decision (not a gateway,
 *       connection limit, bad PPv2 header, malformed or oversize CONNECT, handshake timeout);</li>
 *   <li>{@code gate_probe_connections_total}: closed by the peer before it sent a byte (a gateway's
 *       TCP health check: connect, close), not refusals;</li>
 *   <li>{@code gate_decisions_total{decision}}: allow, deny, unavailable, busy;</li>
 *   <li>{@code gate_ca_request_seconds}: time the CA took to answer (all outcomes);</li>
 *   <li>{@code gate_acl_denied_total{action}}: publishes, subscriptions and wills refused by the ACL.</li>
 * </ul>
 */
public final class GateMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Timer caLatency;
    private final Counter probes;

    /** Registers the meters in {@code registry}. */
    public GateMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("gate.connections.active", active);
        this.caLatency = Timer.builder("gate.ca.request").description("CA authn request time").register(registry);
        this.probes = Counter.builder("gate.probe.connections")
                .description("connections closed by the peer before sending a byte (TCP health checks)")
                .register(registry);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void connectionOpened() {
        active.incrementAndGet();
    }

    void connectionClosed() {
        active.decrementAndGet();
    }

    /** Client connections open now. */
    public int activeConnections() {
        return active.get();
    }

    void refused(String reason) {
        counter("gate.connections.refused", "reason", reason).increment();
    }

    void probe() {
        probes.increment();
    }

    /** Connections closed by their peer before sending a byte (TCP health checks), so far. */
    public double probeConnections() {
        return probes.count();
    }

    void decision(String decision) {
        counter("gate.decisions", "decision", decision).increment();
    }

    void caRequest(Duration took) {
        caLatency.record(took);
    }

    void aclDenied(String action) {
        counter("gate.acl.denied", "action", action).increment();
    }

    /** Count of one tagged counter, for tests and the command's status line. */
    public double count(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }
}
