package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.KeyCert;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template reproduces, to the letter, the gateway configurations the tests used to write out by
 * hand (the texts below are those hand-written ones, as they stood in tbox-sim, cert-enrollment and the
 * end-to-end test), and writes only what a test sets.
 */
class GatewayYamlTest {

    @Test
    void theTboxSimGatewayInFrontOfABroker() {
        String handWritten = """
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
                """.formatted(1883);
        String rendered = GatewayYaml.node("tbox-sim-test")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required")
                        .limit("maxConnections", 10000).limit("handshakeTimeout", "10s").limit("idleTimeout", "120s"))
                .upstream(Upstream.of("brokers", 1883).balance("round-robin").connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s")
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void theEnrollmentListenerWithPpv2() {
        String handWritten = """
                nodeId: enrolltest
                listeners:
                  - name: enroll
                    bind: "127.0.0.1:0"
                    upstream: enrollment
                    clientAuth: optional
                    tlcp:
                      signCert: pki/sm2/gateway-sign-chain.pem
                      signKey: pki/sm2/gateway-sign.key
                      encCert: pki/sm2/gateway-enc.crt
                      encKey: pki/sm2/gateway-enc.key
                      trust: pki/sm2/trust.pem
                    tls:
                      certificates:
                        - chain: pki/sm2/gateway-tls13-chain.pem
                          key: pki/sm2/gateway-tls13.key
                      trust: [pki/sm2/trust.pem]
                upstreams:
                  enrollment:
                    servers: ["127.0.0.1:%d"]
                    connectTimeout: 2s
                    healthCheck: {interval: 1s, timeout: 500ms, rise: 1, fall: 3}
                    proxyProtocol:
                      enabled: true
                      crc32c: true
                revocation:
                  refreshInterval: 1h
                  crls:
                    - name: sm2-issuing
                      source: pki/sm2/issuing-ca.crl
                      issuer: pki/sm2/issuing-ca.crt
                reload:
                  watch: false
                """.formatted(8080);
        String rendered = GatewayYaml.node("enrolltest")
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp()
                        .tls(List.of(KeyCert.SM2_TLS13), GatewayYaml.SM2_TRUST))
                .upstream(Upstream.of("enrollment", 8080).connectTimeout("2s")
                        .healthCheck("1s", "500ms", 1, 3).proxyProtocol(true, true))
                .revocation("1h", Crl.sm2Issuing())
                .reload(false, null)
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void theWholeStackWithTwoListenersAndCrlsOverHttp() {
        String handWritten = """
                nodeId: e2e
                listeners:
                  - name: mqtt
                    bind: "127.0.0.1:0"
                    upstream: gate
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
                  - name: enroll
                    bind: "127.0.0.1:0"
                    upstream: enrollment
                    clientAuth: optional
                    tlcp:
                      signCert: pki/sm2/gateway-sign-chain.pem
                      signKey: pki/sm2/gateway-sign.key
                      encCert: pki/sm2/gateway-enc.crt
                      encKey: pki/sm2/gateway-enc.key
                      trust: pki/sm2/trust.pem
                upstreams:
                  gate:
                    servers: ["127.0.0.1:%d"]
                    healthCheck: {interval: 500ms, timeout: 500ms, rise: 1, fall: 3}
                  enrollment:
                    servers: ["127.0.0.1:%d"]
                    healthCheck: {interval: 500ms, timeout: 500ms, rise: 1, fall: 3}
                revocation:
                  refreshInterval: 1m
                  crls:
                    - name: sm2-issuing
                      source: %s
                      issuer: pki/sm2/issuing-ca.crt
                    - name: ecdsa-issuing
                      source: %s
                      issuer: pki/ecdsa/issuing-ca.crt
                reload:
                  watch: false
                shutdown:
                  drainTimeout: 1s
                """.formatted(7001, 7002, "http://127.0.0.1:7000/crl/sm2-issuing.crl",
                "http://127.0.0.1:7000/crl/ecdsa-issuing.crl");
        String rendered = GatewayYaml.node("e2e")
                .listener(Listener.devPki("mqtt", "gate").clientAuth("required"))
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp())
                .upstream(Upstream.of("gate", 7001).healthCheck("500ms", "500ms", 1, 3))
                .upstream(Upstream.of("enrollment", 7002).healthCheck("500ms", "500ms", 1, 3))
                .revocation("1m", Crl.sm2Issuing("http://127.0.0.1:7000/crl/sm2-issuing.crl"),
                        Crl.ecdsaIssuing("http://127.0.0.1:7000/crl/ecdsa-issuing.crl"))
                .reload(false, null)
                .drainTimeout("1s")
                .render();
        assertThat(rendered).isEqualTo(handWritten);
    }

    @Test
    void onlyWhatATestSetsIsWritten(@TempDir Path dir) throws Exception {
        Path file = GatewayYaml.node("bare")
                .listener(Listener.plaintext("plain", "brokers").route("a.example", "other")
                        .limit("maxConnections", 5))
                .upstream(Upstream.of("brokers", 1, 2))
                .writeTo(dir.resolve("gateway.yaml"));
        assertThat(Files.readString(file)).isEqualTo("""
                nodeId: bare
                listeners:
                  - name: plain
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    plaintext: true
                    routes:
                      - sni: a.example
                        upstream: other
                    limits:
                      maxConnections: 5
                upstreams:
                  brokers:
                    servers: ["127.0.0.1:1", "127.0.0.1:2"]
                """);
    }

    @Test
    void ticketKeysAndAnAdminTokenFile() {
        String rendered = GatewayYaml.node("n")
                .listener(Listener.secure("mqtt", "b").tlcp().ticketKeys("tickets.key"))
                .admin("admin.token")
                .reload(true, "100ms")
                .render();
        assertThat(rendered).contains("""
                      trust: pki/sm2/trust.pem
                      ticketKeys: tickets.key
                """, """
                admin:
                  bind: "127.0.0.1:0"
                  tokenFile: admin.token
                reload:
                  watch: true
                  pollInterval: 100ms
                """);
    }
}
