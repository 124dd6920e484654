package io.gmtls.proxy.admin;

import java.util.Map;

/**
 * The gateway's health: up when it runs, every listener accepts and every upstream group has a
 * healthy server.
 *
 * @param running     false once shutdown started
 * @param listeners   listener name → accepting
 * @param upstreams   group name → {healthy servers, servers}
 * @param connections live client connections
 */
public record HealthReport(boolean running, Map<String, Boolean> listeners, Map<String, int[]> upstreams,
        int connections) {

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
        return sb.append("}}").toString();
    }
}
