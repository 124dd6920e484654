package io.gmtls.brokeradapter.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The broker the gate forwards allowed clients to (plain TCP, no PPv2: the broker sees the gate).
 *
 * @param host           host name or IP literal of the broker
 * @param port           TCP port, 1..65535
 * @param connectTimeout how long to wait for the TCP connection before answering "server unavailable"
 */
public record BrokerTarget(String host, int port, Duration connectTimeout) {

    /** Checks ranges; {@link GateConfigLoader} reports the same problems with file and key. */
    public BrokerTarget {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("broker host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("broker port must be 1..65535, was " + port);
        }
        Durations.checkPositive(connectTimeout, "broker connect timeout", Duration.ofMinutes(5));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
