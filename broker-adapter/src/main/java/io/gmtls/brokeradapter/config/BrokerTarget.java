package io.gmtls.brokeradapter.config;

import java.time.Duration;
import java.util.Objects;

import io.gmtls.config.Ranges;

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
        Ranges.check("broker port", port, 1, 65535);
        Ranges.positive("broker connect timeout", connectTimeout, Duration.ofMinutes(5));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
