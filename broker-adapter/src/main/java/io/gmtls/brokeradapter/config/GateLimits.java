package io.gmtls.brokeradapter.config;

import java.time.Duration;

/**
 * Resource bounds of the gate.
 *
 * @param maxConnections       client connections open at once; further ones are closed on accept
 * @param handshakeTimeout     time from accept until the PPv2 header and the whole CONNECT are read
 * @param maxConnectBytes      largest CONNECT packet (fixed header included)
 * @param maxMessageBytes      largest packet in either direction once ACL enforcement decodes the stream
 * @param maxPipelinedBytes    bytes a client may send after CONNECT before it gets its CONNACK
 */
public record GateLimits(int maxConnections, Duration handshakeTimeout, int maxConnectBytes,
                         int maxMessageBytes, int maxPipelinedBytes) {

    /** MQTT's largest packet: 1 byte of fixed header, 4 of remaining length, 268,435,455 of body. */
    public static final int MQTT_MAX_PACKET_BYTES = 268_435_460;

    /** Checks the ranges. */
    public GateLimits {
        if (maxConnections < 1 || maxConnections > 10_000_000) {
            throw new IllegalArgumentException("max connections must be 1..10000000, was " + maxConnections);
        }
        Durations.checkPositive(handshakeTimeout, "handshake timeout", Duration.ofMinutes(5));
        if (maxConnectBytes < 64 || maxConnectBytes > 1024 * 1024) {
            throw new IllegalArgumentException("max CONNECT bytes must be 64..1048576, was " + maxConnectBytes);
        }
        if (maxMessageBytes < 64 || maxMessageBytes > MQTT_MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("max message bytes must be 64.." + MQTT_MAX_PACKET_BYTES
                    + ", was " + maxMessageBytes);
        }
        if (maxPipelinedBytes < 0 || maxPipelinedBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("max pipelined bytes must be 0..16777216, was " + maxPipelinedBytes);
        }
    }
}
