package io.gmtls.brokeradapter.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.gmtls.brokeradapter.authn.ConcurrencyLimitedAuthenticator;
import io.gmtls.brokeradapter.authn.HttpCaAuthenticator;
import io.gmtls.brokeradapter.config.BrokerTarget;
import io.gmtls.brokeradapter.config.CaSettings;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateLimits;
import io.gmtls.brokeradapter.config.GatePolicy;
import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.brokeradapter.gate.GateMetrics;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Builds gate configurations for tests and starts gates on 127.0.0.1, port 0. */
public final class GateFixture {

    private InetSocketAddress broker;
    private URI caUrl;
    private List<String> gateways = List.of("127.0.0.1/32");
    private Duration caTimeout = Duration.ofSeconds(2);
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private int maxConnections = 100;
    private int maxConnectBytes = 4096;
    private int maxConcurrent = 64;
    private GatePolicy policy = new GatePolicy(false, false, false, false);

    public GateFixture broker(InetSocketAddress broker) {
        this.broker = broker;
        return this;
    }

    public GateFixture ca(URI caUrl) {
        this.caUrl = caUrl;
        return this;
    }

    public GateFixture gateways(String... entries) {
        this.gateways = List.of(entries);
        return this;
    }

    public GateFixture caTimeout(Duration timeout) {
        this.caTimeout = timeout;
        return this;
    }

    public GateFixture handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = timeout;
        return this;
    }

    public GateFixture maxConnections(int max) {
        this.maxConnections = max;
        return this;
    }

    public GateFixture maxConcurrentCaRequests(int max) {
        this.maxConcurrent = max;
        return this;
    }

    public GateFixture policy(boolean usernameFromCn, boolean enforceAcl, boolean requireSerial, boolean clientIdIsCn) {
        this.policy = new GatePolicy(usernameFromCn, enforceAcl, requireSerial, clientIdIsCn);
        return this;
    }

    public GateConfig config() {
        return new GateConfig(
                new InetSocketAddress("127.0.0.1", 0),
                GatewayAllowList.of(gateways),
                ReceiverSettings.defaults().withHeaderTimeout(handshakeTimeout),
                new BrokerTarget(broker.getHostString(), broker.getPort(), Duration.ofSeconds(2)),
                new CaSettings(caUrl, caTimeout, 64 * 1024, maxConcurrent),
                new GateLimits(maxConnections, handshakeTimeout, maxConnectBytes, 1024 * 1024, 64 * 1024),
                policy,
                Optional.empty());
    }

    public AuthGateServer start() throws InterruptedException {
        GateConfig config = config();
        return AuthGateServer.start(config,
                new ConcurrencyLimitedAuthenticator(new HttpCaAuthenticator(config.ca()), config.ca().maxConcurrentRequests()),
                new GateMetrics(new SimpleMeterRegistry()), 1);
    }
}
