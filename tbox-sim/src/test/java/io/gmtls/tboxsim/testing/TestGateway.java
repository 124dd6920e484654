package io.gmtls.tboxsim.testing;

import java.nio.file.Path;
import java.time.Duration;

import io.gmtls.proxy.Gateway;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;

/**
 * The real gm-tls-proxy, in-process, terminating TLCP and TLS 1.3 (ECDSA and RFC 8998) on one port in
 * front of a broker, with client certificates required and CRLs of the certs-dev PKI. PPv2 is off: the
 * machine's Mosquitto (2.0) cannot read it.
 */
public final class TestGateway implements AutoCloseable {

    private final Gateway gateway;
    private final int port;

    private TestGateway(Gateway gateway) throws InterruptedException {
        this.gateway = gateway;
        // Gateway.start may return just before the listener has recorded its bound channel: wait for it.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gateway.listenerAddress("mqtt") == null) {
            if (System.nanoTime() - deadline > 0) {
                gateway.shutdown(Duration.ZERO);
                throw new IllegalStateException("the gateway's mqtt listener has no address");
            }
            Thread.sleep(5);
        }
        this.port = gateway.listenerAddress("mqtt").getPort();
    }

    /**
     * @param dir        folder holding {@code pki/} (a certs-dev folder); gateway.yaml is written next to it
     * @param brokerPort the upstream broker port on 127.0.0.1
     */
    public static TestGateway start(Path dir, int brokerPort) throws Exception {
        Path file = GatewayYaml.node("tbox-sim-test")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required")
                        .limit("maxConnections", 10000).limit("handshakeTimeout", "10s").limit("idleTimeout", "120s"))
                .upstream(Upstream.of("brokers", brokerPort).balance("round-robin").connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s")
                .writeTo(dir.resolve("gateway.yaml"));
        return new TestGateway(Gateway.start(file));
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        gateway.shutdown(Duration.ofSeconds(1));
    }
}
