package io.gmtls.proxy.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's meters, exposed in Prometheus text format at {@code GET /metrics}. Names (Prometheus
 * form): {@code gateway_connections_open}, {@code gateway_connections_total},
 * {@code gateway_connections_refused_total{reason}}, {@code gateway_handshakes_total{protocol,suite,kind,result}},
 * {@code gateway_handshakes_refused_total{protocol,reason}},
 * {@code gateway_handshake_duration_seconds} (histogram), {@code gateway_bytes_total{direction}},
 * {@code gateway_upstream_up}, {@code gateway_upstream_connections}, {@code gateway_upstream_connect_failures_total},
 * {@code gateway_alerts_sent_total{alert}}, {@code gateway_crl_age_seconds}, {@code gateway_crl_refresh_failures_total},
 * {@code gateway_revoked_connections_closed_total}, {@code gateway_reloads_total{result}}.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * The tags of a handshake counter or timer. Every handshake records one of each: looking them up in the
     * registry through a builder (tag objects, id, registry map) cost about 2 % of a resumed handshake's
     * event-loop samples, a map of the few tag combinations (listeners × protocols × suites × outcomes)
     * much less. These meters are never removed from the registry, so what is kept stays registered.
     */
    private record HandshakeTags(String listener, String protocol, String suite, String kind, String result) {
    }

    private final Map<HandshakeTags, Counter> handshakeCounters = new ConcurrentHashMap<>();
    private final Map<HandshakeTags, Timer> handshakeTimers = new ConcurrentHashMap<>();

    public GatewayMetrics() {
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        // Netty 4.2's default allocator (adaptive, pooled) and its direct memory counter.
        if (io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider provider) {
            io.netty.buffer.ByteBufAllocatorMetric metric = provider.metric();
            Gauge.builder("gateway.netty.allocator.direct", metric, io.netty.buffer.ByteBufAllocatorMetric::usedDirectMemory)
                    .description("Direct memory held by Netty's default (pooled) allocator").baseUnit("bytes")
                    .register(registry);
            Gauge.builder("gateway.netty.allocator.heap", metric, io.netty.buffer.ByteBufAllocatorMetric::usedHeapMemory)
                    .description("Heap memory held by Netty's default (pooled) allocator").baseUnit("bytes")
                    .register(registry);
        }
        Gauge.builder("gateway.netty.direct", io.netty.util.internal.PlatformDependent::usedDirectMemory)
                .description("Direct memory Netty allocated (all allocators; -1 when not tracked)").baseUnit("bytes")
                .register(registry);
    }

    /** The registry (for scraping and tests). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** Per-listener meters, resolved once so the data path does no lookups. */
    public ListenerMeters listener(String listener, Supplier<Number> open) {
        return new ListenerMeters(listener, open);
    }

    /**
     * Counts a handshake outcome and, when it ended, its duration.
     *
     * @param kind {@code full} or {@code resumed} for a handshake that succeeded, {@code refused} for one
     *             shed before it started (see {@link ListenerMeters#handshakeRefused}), {@code none} for
     *             one that failed or timed out
     */
    public void handshake(String listener, String protocol, String suite, String kind, String result, long nanos) {
        handshakeCounters.computeIfAbsent(new HandshakeTags(listener, protocol, suite, kind, result), t ->
                Counter.builder("gateway.handshakes")
                        .description("TLS/TLCP handshakes by kind (full, resumed, refused) and outcome")
                        .tags("listener", t.listener(), "protocol", t.protocol(), "suite", t.suite(), "kind", t.kind(),
                                "result", t.result())
                        .register(registry)).increment();
        if (nanos > 0) {
            String outcome = "success".equals(result) ? "success" : "failure";
            handshakeTimers.computeIfAbsent(new HandshakeTags(listener, protocol, "", "", outcome), t ->
                    Timer.builder("gateway.handshake.duration").description("Time from accept to handshake end")
                            .tags("listener", t.listener(), "protocol", t.protocol(), "result", t.result())
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                            .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Records the start-up warm-up: handshakes run and the time it took. */
    public void warmUp(int handshakes, long millis) {
        Gauge.builder("gateway.warmup.handshakes", () -> handshakes)
                .description("Handshakes the gateway ran on itself at start, before its listeners opened")
                .register(registry);
        Gauge.builder("gateway.warmup.duration", () -> millis / 1000.0).baseUnit("seconds")
                .description("Time the start-up warm-up took").register(registry);
    }

    /** Counts a TLS/TLCP alert the gateway sent (a refused handshake). */
    public void alertSent(String protocol, String alert) {
        Counter.builder("gateway.alerts.sent").description("Fatal alerts sent to clients")
                .tags("protocol", protocol, "alert", alert).register(registry).increment();
    }

    /** Counts a failed connect to an upstream server. */
    public void upstreamConnectFailure(String group, String server) {
        Counter.builder("gateway.upstream.connect.failures").description("Failed connects to upstream servers")
                .tags("group", group, "server", server).register(registry).increment();
    }

    /** Counts a connection closed because its certificate was revoked. */
    public void revokedConnectionClosed() {
        Counter.builder("gateway.revoked.connections.closed")
                .description("Live connections closed because a CRL or the revocation feed revoked their certificate")
                .register(registry).increment();
    }

    /** Counts an applied revocation feed event: {@code revoked}, {@code unrevoked} or {@code resync}. */
    public void feedEvent(String kind) {
        feedEvents(kind).increment();
    }

    private Counter feedEvents(String kind) {
        return Counter.builder("gateway.revocation.feed.events").description("Revocation feed events applied, by kind")
                .tags("kind", kind).register(registry);
    }

    /** Counts a connection to the revocation feed after the first one. */
    public void feedReconnect() {
        feedReconnects().increment();
    }

    private Counter feedReconnects() {
        return Counter.builder("gateway.revocation.feed.reconnects")
                .description("Connections to the revocation feed after the first").register(registry);
    }

    /**
     * Counts a dropped revocation feed stream: {@code http} (not 200), {@code idle} (silent past the idle
     * timeout), {@code oversized}, {@code malformed}, {@code io}.
     */
    public void feedStreamError(String reason) {
        Counter.builder("gateway.revocation.feed.stream.errors").description("Revocation feed streams dropped, by reason")
                .tags("reason", reason).register(registry).increment();
    }

    /** Registers the feed counters at zero, so that they are scraped before the first event. */
    public void feedCountersAtZero() {
        for (String kind : new String[] {"revoked", "unrevoked", "resync"}) {
            feedEvents(kind);
        }
        feedReconnects();
    }

    /** Counts a failed CRL refresh. */
    public void crlRefreshFailure(String crl) {
        Counter.builder("gateway.crl.refresh.failures").description("Failed CRL refreshes (the last good CRL is kept)")
                .tags("crl", crl).register(registry).increment();
    }

    /** Counts a reload attempt. */
    public void reload(boolean ok) {
        Counter.builder("gateway.reloads").description("Configuration reloads")
                .tags("result", ok ? "success" : "failure").register(registry).increment();
    }

    /**
     * Registers gauges; the returned handle removes them (upstream and CRL gauges are replaced on reload).
     */
    public <T> Registration gauge(String name, String description, Tags tags, T object, ToDoubleFunction<T> value) {
        Meter meter = Gauge.builder(name, object, value).description(description).tags(tags).strongReference(true)
                .register(registry);
        return new Registration(List.of(meter));
    }

    /** Meters registered together and removed together. */
    public final class Registration implements AutoCloseable {
        private final List<Meter> meters;

        Registration(List<Meter> meters) {
            this.meters = new ArrayList<>(meters);
        }

        /** Adds the meters of another registration to this one. */
        public Registration and(Registration other) {
            meters.addAll(other.meters);
            return this;
        }

        @Override
        public void close() {
            meters.forEach(registry::remove);
        }
    }

    /** Meters of one listener. */
    public final class ListenerMeters {
        private final String listener;
        private final Counter accepted;
        private final Counter bytesIn;
        private final Counter bytesOut;

        ListenerMeters(String listener, Supplier<Number> open) {
            this.listener = listener;
            Gauge.builder("gateway.connections.open", open).description("Live client connections")
                    .tags("listener", listener).strongReference(true).register(registry);
            this.accepted = Counter.builder("gateway.connections").description("Accepted client connections")
                    .tags("listener", listener).register(registry);
            this.bytesIn = Counter.builder("gateway.bytes").description("Application bytes relayed")
                    .baseUnit("bytes").tags("listener", listener, "direction", "in").register(registry);
            this.bytesOut = Counter.builder("gateway.bytes").description("Application bytes relayed")
                    .baseUnit("bytes").tags("listener", listener, "direction", "out").register(registry);
        }

        /** The listener's name. */
        public String listener() {
            return listener;
        }

        /** Counts an admitted connection. */
        public void accepted() {
            accepted.increment();
        }

        /** Counts a refused connection. */
        public void refused(String reason) {
            Counter.builder("gateway.connections.refused").description("Connections refused or closed early, by reason")
                    .tags("listener", listener, "reason", reason).register(registry).increment();
        }

        /**
         * Counts a handshake refused before it started (the full-handshake budget): in
         * {@code gateway.handshakes{kind=refused}} and {@code gateway.handshakes.refused{reason}}.
         *
         * @param family TLCP or TLS
         */
        public void handshakeRefused(String family, String reason) {
            handshake(listener, family, "none", "refused", "refused", 0);
            Counter.builder("gateway.handshakes.refused")
                    .description("Handshakes refused before any cryptography, by reason")
                    .tags("listener", listener, "protocol", family, "reason", reason).register(registry).increment();
        }

        /** Client → upstream bytes. */
        public void bytesIn(long n) {
            bytesIn.increment(n);
        }

        /** Upstream → client bytes. */
        public void bytesOut(long n) {
            bytesOut.increment(n);
        }
    }
}
