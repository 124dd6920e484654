package io.gmtls.brokeradapter.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class GateMetricsTest {

    /** Probes have their own Prometheus counter, present (at 0) from the start, apart from refusals. */
    @Test
    void probesAreAPrometheusCounterOfTheirOwn() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GateMetrics metrics = new GateMetrics(registry);
        assertThat(registry.scrape()).contains("gate_probe_connections_total 0.0");
        metrics.probe();
        metrics.probe();
        metrics.refused("error");
        String text = registry.scrape();
        assertThat(text).contains("gate_probe_connections_total 2.0");
        assertThat(text).contains("gate_connections_refused_total{reason=\"error\"} 1.0");
        assertThat(metrics.probeConnections()).isEqualTo(2);
    }
}
