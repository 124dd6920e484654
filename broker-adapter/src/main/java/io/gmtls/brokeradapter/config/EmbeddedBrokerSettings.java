package io.gmtls.brokeradapter.config;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.gmtls.config.Ranges;

/**
 * An MQTT broker the gate starts in its own process as its upstream ({@code broker.embedded}): for
 * demos and single-machine setups, so that no separate broker has to be installed. In-memory only
 * (no persistence, no TLS, no WebSocket); it accepts anonymous clients, because the gate in front
 * of it is the only authentication, so it must listen where only the gate can reach it (loopback).
 *
 * @param bind            address and port the broker listens on (a fixed port: the gate connects to it)
 * @param maxMessageBytes largest MQTT packet the broker accepts
 */
public record EmbeddedBrokerSettings(InetSocketAddress bind, int maxMessageBytes) {

    /** Default for {@link #maxMessageBytes}: the gate's own default packet limit. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

    /** Checks ranges; {@link GateConfigLoader} reports the same problems with file and key. */
    public EmbeddedBrokerSettings {
        Objects.requireNonNull(bind, "bind");
        if (bind.isUnresolved()) {
            throw new IllegalArgumentException("embedded broker bind address does not resolve: " + bind.getHostString());
        }
        if (bind.getPort() == 0) {
            throw new IllegalArgumentException("embedded broker needs a fixed port: the gate connects to it");
        }
        Ranges.check("embedded broker max-message-bytes", maxMessageBytes, 64, GateLimits.MQTT_MAX_PACKET_BYTES);
    }
}
