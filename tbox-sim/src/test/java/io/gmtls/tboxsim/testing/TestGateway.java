package io.gmtls.tboxsim.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gmtls.proxy.Gateway;

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
        String yaml = """
                nodeId: tbox-sim-test
                listeners:
                  - name: mqtt
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    clientAuth: required
                    tlcp:
                      signCert: pki/sm2/gateway-sign-chain.pem
                      signKey: pki/sm2/gateway-sign.key
                      encCert: pki/sm2/gateway-enc.crt
                      encKey: pki/sm2/gateway-enc.key
                      trust: pki/sm2/trust.pem
                    tls:
                      certificates:
                        - chain: pki/ecdsa/gateway-chain.pem
                          key: pki/ecdsa/gateway.key
                        - chain: pki/sm2/gateway-tls13-chain.pem
                          key: pki/sm2/gateway-tls13.key
                      trust: [pki/ecdsa/trust.pem, pki/sm2/trust.pem]
                    limits:
                      maxConnections: 10000
                      handshakeTimeout: 10s
                      idleTimeout: 120s
                upstreams:
                  brokers:
                    balance: round-robin
                    servers: ["127.0.0.1:%d"]
                    connectTimeout: 2s
                    healthCheck: {interval: 200ms, timeout: 500ms, rise: 1, fall: 3}
                    proxyProtocol:
                      enabled: false
                revocation:
                  refreshInterval: 1h
                  crls:
                    - name: sm2-issuing
                      source: pki/sm2/issuing-ca.crl
                      issuer: pki/sm2/issuing-ca.crt
                    - name: ecdsa-issuing
                      source: pki/ecdsa/issuing-ca.crl
                      issuer: pki/ecdsa/issuing-ca.crt
                admin:
                  bind: "127.0.0.1:0"
                reload:
                  watch: false
                shutdown:
                  drainTimeout: 1s
                """.formatted(brokerPort);
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
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
