package io.gmtls.proxy.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;
import io.gmtls.proxyprotocol.HeaderOptions;

/**
 * A group of upstream servers (brokers, or the enrollment service) that share a balancing policy.
 *
 * @param name           group name
 * @param balance        how a server is picked
 * @param servers        server addresses
 * @param connectTimeout TCP connect timeout per attempt
 * @param healthCheck    active TCP health checks
 * @param proxyProtocol  PPv2 header options; {@code null}-free: disabled means no header
 */
public record UpstreamGroupConfig(
        String name,
        Balance balance,
        List<InetSocketAddress> servers,
        Duration connectTimeout,
        HealthCheckConfig healthCheck,
        ProxyProtocolConfig proxyProtocol) {

    /** Checks that there is a server and the timeout's range. */
    public UpstreamGroupConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server (host:port) is required");
        }
        Ranges.check("connect-timeout", connectTimeout, Duration.ofMillis(10), Durations.MAX);
    }

    /** Balancing policy. */
    public enum Balance {
        /** Each healthy server in turn. */
        ROUND_ROBIN,
        /** The healthy server with the fewest live connections from this gateway. */
        LEAST_CONNECTIONS
    }

    /**
     * Active health checks: a TCP connect every {@code interval}; {@code fall} failures in a row mark a
     * server down, {@code rise} successes in a row mark it up again.
     */
    public record HealthCheckConfig(boolean enabled, Duration interval, Duration timeout, int rise, int fall) {

        /** Checks the ranges. */
        public HealthCheckConfig {
            Ranges.check("interval", interval, Duration.ofMillis(10), Durations.MAX);
            Ranges.check("timeout", timeout, Duration.ofMillis(10), Durations.MAX);
            Ranges.check("rise", rise, 1, 100);
            Ranges.check("fall", fall, 1, 100);
        }
    }

    /**
     * PPv2 towards this group.
     *
     * @param enabled write a header first on each upstream connection
     * @param header  which TLVs, CRC32C, size cap
     */
    public record ProxyProtocolConfig(boolean enabled, HeaderOptions header) {
    }
}
