package io.gmtls.tboxsim.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The result of a {@code connect} run: what was run, connection and message counts, latency
 * percentiles (milliseconds) and errors by cause. Printed as text ({@link #toText()}) and written as
 * JSON ({@link #writeJson(Path)}) with the same field names.
 *
 * @param transport      plain, tlcp, tls13 or tls13-sm
 * @param cipherSuites   TLCP suites offered (empty for the others)
 * @param target         host:port connected to
 * @param mqttVersion    3.1.1 or 5
 * @param qos            0 or 1
 * @param vehicles       simulated vehicles
 * @param durationSeconds wall time of the run
 * @param connections    connection counts
 * @param latencyMs      latency percentiles
 * @param messages       publish counts
 * @param errors         errors by cause, most frequent first
 * @param errorTotal     sum of {@code errors}
 */
public record Summary(String transport, List<String> cipherSuites, String target, String mqttVersion, int qos,
        int vehicles, double durationSeconds, Connections connections, Latencies latencyMs, Messages messages,
        Map<String, Long> errors, long errorTotal) {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * @param attempted          TCP connection attempts
     * @param established        connections that got CONNACK accepted
     * @param initial            vehicles whose first connection was established
     * @param reconnects         cell-change reconnects started
     * @param retries            attempts repeated after a failure (--retries)
     * @param failed             attempts that failed before CONNACK accepted (each counted in errors)
     * @param aborted            attempts still in progress when the run stopped
     * @param fullHandshakes     TLS/TLCP handshakes with a full exchange
     * @param resumedHandshakes  handshakes that resumed an earlier session
     * @param connectsPerSecond  initial connections / time until the last of them
     * @param peakOpen           most connections open at once
     * @param neverConnected     vehicles that never got a connection
     */
    public record Connections(long attempted, long established, long initial, long reconnects, long retries,
            long failed, long aborted, long fullHandshakes, long resumedHandshakes, double connectsPerSecond, int peakOpen,
            long neverConnected) {
    }

    /**
     * @param count samples
     * @param p50   median, ms
     * @param p99   99th percentile, ms
     * @param max   maximum, ms
     */
    public record Latency(long count, double p50, double p99, double max) {
    }

    /**
     * @param tcpConnect TCP connect
     * @param handshake  TLS/TLCP handshake (after TCP)
     * @param connack    MQTT CONNECT → CONNACK
     * @param puback     PUBLISH → PUBACK (QoS 1)
     */
    public record Latencies(Latency tcpConnect, Latency handshake, Latency connack, Latency puback) {
    }

    /**
     * @param published          PUBLISH packets written
     * @param acked              PUBACKs received (QoS 1)
     * @param unacked            QoS 1 publishes whose connection ended before their PUBACK
     * @param throttled          publish ticks skipped (in-flight window full or socket not writable)
     * @param publishesPerSecond published / time from first to last publish
     * @param payloadBytes       payload size of each publish
     */
    public record Messages(long published, long acked, long unacked, long throttled, double publishesPerSecond,
            int payloadBytes) {
    }

    /** Writes the summary as indented JSON. */
    public void writeJson(Path file) throws IOException {
        try {
            Files.writeString(file, JSON.writeValueAsString(this) + System.lineSeparator());
        } catch (JacksonException e) {
            throw new IOException("cannot write the JSON summary to " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON text. */
    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** The human-readable summary (several lines). */
    public String toText() {
        StringBuilder out = new StringBuilder();
        String suites = cipherSuites.isEmpty() ? "" : " (" + String.join(", ", cipherSuites) + ")";
        out.append("tbox-sim connect summary\n");
        line(out, "target", "%s via %s%s, MQTT %s, QoS %d", target, transport, suites, mqttVersion, qos);
        line(out, "vehicles", "%d over %.1f s", vehicles, durationSeconds);
        line(out, "connections", "%d established of %d attempts (%d initial, %d reconnects, %d retries), %d failed,"
                + " %d aborted at the end, peak %d open, %d vehicles never connected", connections.established,
                connections.attempted, connections.initial, connections.reconnects, connections.retries,
                connections.failed, connections.aborted, connections.peakOpen, connections.neverConnected);
        line(out, "connect rate", "%.1f connects/s (initial connections)", connections.connectsPerSecond);
        line(out, "handshakes", "%d full, %d resumed", connections.fullHandshakes, connections.resumedHandshakes);
        out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %9s%n", "latency (ms)", "p50", "p99", "max", "count"));
        latency(out, "tcp connect", latencyMs.tcpConnect);
        latency(out, "handshake", latencyMs.handshake);
        latency(out, "connack", latencyMs.connack);
        latency(out, "puback", latencyMs.puback);
        line(out, "messages", "%d published (%.1f/s), %d acked, %d unacked, %d throttled, %d-byte payload",
                messages.published, messages.publishesPerSecond, messages.acked, messages.unacked, messages.throttled,
                messages.payloadBytes);
        if (errors.isEmpty()) {
            line(out, "errors", "none");
        } else {
            line(out, "errors", "%d", errorTotal);
            errors.forEach((cause, count) -> out.append(String.format(Locale.ROOT, "  %14s %9d  %s%n", "", count, cause)));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String format, Object... args) {
        out.append(String.format(Locale.ROOT, "  %-14s ", label)).append(String.format(Locale.ROOT, format, args))
                .append('\n');
    }

    private static void latency(StringBuilder out, String label, Latency l) {
        out.append(String.format(Locale.ROOT, "    %-12s %9.2f %9.2f %9.2f %9d%n", label, l.p50, l.p99, l.max, l.count));
    }
}
