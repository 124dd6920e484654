package io.gmtls.proxy.upstream;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream server of a group: its address, health and the gateway's live connections to it.
 * Health is written by the {@link HealthChecker} only; connection counts by the relay.
 */
public final class Upstream {

    private final String group;
    private final InetSocketAddress address;
    private final String label;
    private final String qualifiedLabel;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean healthy = true;
    // Touched only by the health checker, which runs one check at a time per upstream.
    private int successes;
    private int failures;

    Upstream(String group, InetSocketAddress address) {
        this.group = group;
        this.address = address;
        this.label = address.getAddress().getHostAddress() + ":" + address.getPort();
        this.qualifiedLabel = group + "/" + label;
    }

    /** The group's name. */
    public String group() {
        return group;
    }

    /** The server address. */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code host:port}, for logs and metric labels. */
    public String label() {
        return label;
    }

    /**
     * {@code group/host:port}, as the access log names the upstream: one string for every connection
     * relayed to this server, not one per connection.
     */
    public String qualifiedLabel() {
        return qualifiedLabel;
    }

    /** False once {@code fall} health checks in a row failed, until {@code rise} succeed. */
    public boolean healthy() {
        return healthy;
    }

    /** Live relayed connections to this server. */
    public int connections() {
        return connections.get();
    }

    /** Counts a relayed connection opened to this server. */
    public void connectionOpened() {
        connections.incrementAndGet();
    }

    /** Counts a relayed connection to this server closed. */
    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /**
     * Records a check result.
     *
     * @return true when the health state changed
     */
    boolean record(boolean ok, int rise, int fall) {
        if (ok) {
            failures = 0;
            successes++;
            if (!healthy && successes >= rise) {
                healthy = true;
                return true;
            }
        } else {
            successes = 0;
            failures++;
            if (healthy && failures >= fall) {
                healthy = false;
                return true;
            }
        }
        return false;
    }

    /** Carries the health state over from the same server of a previous configuration. */
    void inheritHealth(Upstream previous) {
        this.healthy = previous.healthy;
        this.successes = previous.successes;
        this.failures = previous.failures;
    }

    @Override
    public String toString() {
        return group + "/" + label + (healthy ? "" : " (down)");
    }
}
