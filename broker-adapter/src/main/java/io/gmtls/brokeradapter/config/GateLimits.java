package io.gmtls.brokeradapter.config;

import java.time.Duration;

import io.gmtls.config.Ranges;

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
        Ranges.check("max connections", maxConnections, 1, 10_000_000);
        Ranges.positive("handshake timeout", handshakeTimeout, Duration.ofMinutes(5));
        Ranges.check("max CONNECT bytes", maxConnectBytes, 64, 1024 * 1024);
        Ranges.check("max message bytes", maxMessageBytes, 64, MQTT_MAX_PACKET_BYTES);
        Ranges.check("max pipelined bytes", maxPipelinedBytes, 0, 16 * 1024 * 1024);
    }
}
