package io.gmtls.proxy.config;

import java.time.Duration;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * Connection limits and timeouts of a listener.
 *
 * @param maxConnections          live connections on this listener
 * @param maxConnectionsPerSource live connections from one client IP address
 * @param acceptRate              new connections per second (token bucket refill); 0 = unlimited
 * @param acceptBurst             token bucket size
 * @param handshakeTimeout        from accept to the end of the TLS/TLCP handshake
 * @param idleTimeout             no bytes either way for this long closes the connection
 * @param maxHandshakes           connections still in their handshake (they hold far more memory than
 *                                established ones); at most {@code maxConnections}
 * @param maxHandshakesPerSource  connections in their handshake from one client IP address; at most
 *                                {@code maxHandshakes}
 * @param fullHandshakesPerSecond full (not resumed) TLS/TLCP handshakes admitted per second, judged
 *                                from the ClientHello before any cryptography; 0 = unlimited.
 *                                Connections offering a resumable session do not count against it.
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerSource,
        int acceptRate,
        int acceptBurst,
        Duration handshakeTimeout,
        Duration idleTimeout,
        int maxHandshakes,
        int maxHandshakesPerSource,
        int fullHandshakesPerSecond) {

    /** Default of {@code maxHandshakes}: about 190 MiB of handshake state at ~190 KiB each. */
    public static final int DEFAULT_MAX_HANDSHAKES = 1000;

    /** Checks ranges and that the handshake limits fit inside the connection limits. */
    public LimitsConfig {
        Ranges.check("max-connections", maxConnections, 1, 10_000_000);
        Ranges.check("max-connections-per-source", maxConnectionsPerSource, 1, 10_000_000);
        Ranges.check("accept-rate", acceptRate, 0, 10_000_000);
        Ranges.check("accept-burst", acceptBurst, 1, 10_000_000);
        Ranges.check("handshake-timeout", handshakeTimeout, Duration.ofMillis(10), Durations.MAX);
        Ranges.check("idle-timeout", idleTimeout, Duration.ZERO, Durations.MAX);
        Ranges.check("full-handshakes-per-second", fullHandshakesPerSecond, 0, 10_000_000);
        if (maxHandshakes < 1 || maxHandshakes > maxConnections) {
            throw new IllegalArgumentException("max-handshakes must be 1..max-connections");
        }
        if (maxHandshakesPerSource < 1 || maxHandshakesPerSource > maxHandshakes) {
            throw new IllegalArgumentException("max-handshakes-per-source must be 1..max-handshakes");
        }
    }
}
