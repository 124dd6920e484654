package io.gmtls.proxy.admin;

import java.util.Map;
import java.util.Optional;

/**
 * The gateway's health: up when it runs, every listener accepts and every upstream group has a
 * healthy server.
 *
 * @param running     false once shutdown started
 * @param listeners   listener name → accepting
 * @param upstreams   group name → {healthy servers, servers}
 * @param connections live client connections
 * @param feed        the revocation feed's state, empty when none is configured; it never makes the
 *                    gateway DOWN (the CRLs are the fallback), the report only says so
 */
public record HealthReport(boolean running, Map<String, Boolean> listeners, Map<String, int[]> upstreams,
        int connections, Optional<Feed> feed) {

    /**
     * The revocation feed as {@code /health} shows it.
     *
     * @param connected           whether the stream is open
     * @param url                 the URL in use or being tried
     * @param seq                 the last applied event's sequence number (-1: none yet)
     * @param lastEventAgeSeconds seconds since the last event was applied, -1 when none was
     * @param lastError           why the last stream was dropped, if it was
     */
    public record Feed(boolean connected, String url, long seq, double lastEventAgeSeconds, Optional<String> lastError) {
    }

    /** A report without a revocation feed. */
    public HealthReport(boolean running, Map<String, Boolean> listeners, Map<String, int[]> upstreams,
            int connections) {
        this(running, listeners, upstreams, connections, Optional.empty());
    }

    /** True when the gateway can serve new connections everywhere. */
    public boolean up() {
        return running && listeners.values().stream().allMatch(b -> b)
                && upstreams.values().stream().allMatch(c -> c[0] > 0);
    }

    /** The report as JSON. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"status\":\"").append(up() ? "UP" : "DOWN").append("\",\"connections\":").append(connections)
                .append(",\"listeners\":{");
        boolean first = true;
        for (Map.Entry<String, Boolean> e : listeners.entrySet()) {
            sb.append(first ? "" : ",").append(Json.string(e.getKey())).append(':').append(e.getValue());
            first = false;
        }
        sb.append("},\"upstreams\":{");
        first = true;
        for (Map.Entry<String, int[]> e : upstreams.entrySet()) {
            sb.append(first ? "" : ",").append(Json.string(e.getKey())).append(":{\"healthy\":")
                    .append(e.getValue()[0]).append(",\"servers\":").append(e.getValue()[1]).append('}');
            first = false;
        }
        sb.append('}');
        if (feed.isPresent()) {
            Feed f = feed.get();
            sb.append(",\"revocation_feed\":{\"connected\":").append(f.connected())
                    .append(",\"state\":\"").append(f.connected() ? "connected" : "disconnected, CRLs only")
                    .append("\",\"url\":").append(Json.string(f.url()))
                    .append(",\"seq\":").append(f.seq())
                    .append(",\"last_event_age_seconds\":")
                    .append(f.lastEventAgeSeconds() < 0 ? "null" : String.format(java.util.Locale.ROOT, "%.3f",
                            f.lastEventAgeSeconds()));
            f.lastError().ifPresent(e -> sb.append(",\"last_error\":").append(Json.string(e)));
            sb.append('}');
        }
        return sb.append('}').toString();
    }
}
