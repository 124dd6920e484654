package io.gmtls.brokeradapter.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.config.ConfigException;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;

/**
 * The whole configuration of one auth gate. Immutable; built by {@link GateConfigLoader} from a YAML
 * file, or directly in code (tests). Each record checks its own ranges, {@link #validate(String)} the
 * rules between fields; the loader and {@code AuthGateServer.start} call it.
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

    /**
     * The rules between fields: the CA's trust anchors only with an {@code https} authn URL, and plain
     * {@code http} only to a loopback address (the gate sends the CA's API key and trusts its verdict).
     * Which of two exclusive YAML keys was written ({@code broker.address} or {@code broker.embedded},
     * {@code ca.api-key-file} or {@code ca.api-key-env}) is checked while reading: the records keep
     * only the result.
     *
     * @param source names the configuration in the message (the file, or e.g. {@code gate.yaml})
     * @throws ConfigException naming the source and the (kebab-case) key of the first broken rule
     */
    public void validate(String source) throws ConfigException {
        if (!ca.tls() && !ca.trustAnchors().isEmpty()) {
            throw new ConfigException(source, "ca.trust", "is only for an https authn-url", null);
        }
        if (ca.plainHttpToRemote()) {
            throw new ConfigException(source, "ca.authn-url", "plain http is allowed only to a loopback address "
                    + "(127.0.0.1, [::1], localhost), not to " + ca.authnUrl().getHost()
                    + ": use https (with ca.trust for a private CA)", null);
        }
    }
}
