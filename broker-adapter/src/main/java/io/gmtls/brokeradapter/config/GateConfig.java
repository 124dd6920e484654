package io.gmtls.brokeradapter.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;

/**
 * The whole, validated configuration of one auth gate. Immutable; built by {@link GateConfigLoader}
 * from a YAML file, or directly in code (tests).
 *
 * @param listen        address and port the gate accepts gateway connections on
 * @param gateways      the only peers whose connections are read at all
 * @param proxyProtocol how PPv2 headers are read (maximum size, CRC32C, header timeout)
 * @param broker        where allowed clients are forwarded
 * @param ca            the CA's authn endpoint
 * @param limits        resource bounds
 * @param policy        gate-side rules and options
 * @param metricsListen where to serve Prometheus metrics ({@code GET /metrics}); absent: not served
 * @param embeddedBroker a broker to start in this process as the upstream; absent: {@code broker} is an
 *                      external broker. When present, {@code broker} points at it
 */
public record GateConfig(
        InetSocketAddress listen,
        GatewayAllowList gateways,
        ReceiverSettings proxyProtocol,
        BrokerTarget broker,
        CaSettings ca,
        GateLimits limits,
        GatePolicy policy,
        Optional<InetSocketAddress> metricsListen,
        Optional<EmbeddedBrokerSettings> embeddedBroker) {

    /** A gate in front of an external broker. */
    public GateConfig(InetSocketAddress listen, GatewayAllowList gateways, ReceiverSettings proxyProtocol,
            BrokerTarget broker, CaSettings ca, GateLimits limits, GatePolicy policy,
            Optional<InetSocketAddress> metricsListen) {
        this(listen, gateways, proxyProtocol, broker, ca, limits, policy, metricsListen, Optional.empty());
    }

    /** Checks that every part is present. */
    public GateConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(gateways, "gateways");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(embeddedBroker, "embeddedBroker");
    }
}
