package io.gmtls.proxy.config;

import java.time.Duration;

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
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerSource,
        int acceptRate,
        int acceptBurst,
        Duration handshakeTimeout,
        Duration idleTimeout,
        int maxHandshakes,
        int maxHandshakesPerSource) {

    /** Default of {@code maxHandshakes}: about 190 MiB of handshake state at ~190 KiB each. */
    public static final int DEFAULT_MAX_HANDSHAKES = 1000;

    public LimitsConfig {
        if (maxHandshakes < 1 || maxHandshakes > maxConnections) {
            throw new IllegalArgumentException("maxHandshakes must be 1..maxConnections");
        }
        if (maxHandshakesPerSource < 1 || maxHandshakesPerSource > maxHandshakes) {
            throw new IllegalArgumentException("maxHandshakesPerSource must be 1..maxHandshakes");
        }
    }
}
