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
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerSource,
        int acceptRate,
        int acceptBurst,
        Duration handshakeTimeout,
        Duration idleTimeout) {
}
