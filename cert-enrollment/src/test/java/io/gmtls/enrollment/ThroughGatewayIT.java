package io.gmtls.enrollment;

import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;
import static io.gmtls.enrollment.EnrollmentEnvironment.OTHER_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.enrollment.EnrollmentEnvironment.ModelCredential;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.proxy.Gateway;
import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.KeyCert;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import io.gmtls.testsupport.Ppv2Client;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A T-Box enrolls through the real gateway (gm-tls-proxy): TLCP or TLS 1.3 (RFC 8998) to the gateway
 * with its factory credential, the gateway verifies it and forwards HTTP/1.1 with a PPv2 header to the
 * enrollment service. The T-Box opens the envelope with its signing key, checks the encryption key
 * against the encryption certificate, then connects again with the new pair and renews with it.
 */
class ThroughGatewayIT {

    private static EnrollmentEnvironment env;
    private static Gateway gateway;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        env = EnrollmentEnvironment.get();
        Path config = writeGatewayConfig(env.dir, env.port);
        gateway = Gateway.start(config);
        port = listenerPort(gateway, "enroll");
    }

    /**
     * The listener's port. Gateway.start can return before its bind listener recorded the server channel
     * (listenerAddress is then briefly null), so poll for it.
     */
    static int listenerPort(Gateway gateway, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.listenerAddress(name) == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("gateway listener " + name + " has no address");
            }
            Thread.sleep(5);
        }
        return gateway.listenerAddress(name).getPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.shutdown(Duration.ofSeconds(1));
        }
    }

    /** One listener (TLCP + TLS 1.3, client certificate optional for token users) to the enrollment service. */
    static Path writeGatewayConfig(Path dir, int upstreamPort) throws Exception {
        return GatewayYaml.node("enrolltest")
                .listener(Listener.secure("enroll", "enrollment").clientAuth("optional").tlcp()
                        .tls(List.of(KeyCert.SM2_TLS13), GatewayYaml.SM2_TRUST))
                .upstream(Upstream.of("enrollment", upstreamPort).connectTimeout("2s")
                        .healthCheck("1s", "500ms", 1, 3).proxyProtocol(true, true))
                .revocation("1h", Crl.sm2Issuing())
                .reload(false, null)
                .writeTo(dir.resolve("gateway-enroll.yaml"));
    }

    @Test
    void tlcpWithThePerModelCertificateThenTheNewPair() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair signKey = Csrs.sm2();
        Issued first;
        try (GatewayHttpClient client = GatewayHttpClient.connect(port, tlcp(env.model))) {
            assertThat(client.session().getProtocol()).isEqualTo("TLCPv1.1");
            first = post(client, "/api/v1/enroll", vin, signKey, null, 201);
        }
        // The new pair works as a TLCP client identity through the gateway: it renews with it.
        KeyPair renewedKey = Csrs.sm2();
        Issued second;
        try (GatewayHttpClient client = GatewayHttpClient.connect(port, tlcp(first, signKey))) {
            byte[] csr = Csrs.csr(renewedKey, vin);
            second = post(client, "/api/v1/renew", vin, renewedKey, csr, null, 201);
            // Keep-alive: a second request on the same connection has the same identity (a retry of the
            // same CSR gets the stored answer).
            Issued retry = post(client, "/api/v1/renew", vin, renewedKey, csr, null, 200);
            assertThat(retry.sign()).isEqualTo(second.sign());
        }
        assertRevoked(first.sign());
        assertRevoked(first.enc());
        try (GatewayHttpClient client = GatewayHttpClient.connect(port, tlcp(second, renewedKey))) {
            Ppv2Client.Response r = client.get("/.well-known/est/cacerts");
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void tls13WithThePerModelCertificateThenTheNewPair() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair signKey = Csrs.sm2();
        Issued first;
        try (GatewayHttpClient client = GatewayHttpClient.connect(port,
                tls13(env.model.signKey(), env.model.signChain()))) {
            assertThat(client.session().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(client.session().getCipherSuite()).isEqualTo("TLS_SM4_GCM_SM3");
            first = post(client, "/api/v1/enroll", vin, signKey, null, 201);
        }
        try (GatewayHttpClient client = GatewayHttpClient.connect(port, tls13(signKey.getPrivate(), first.chain()))) {
            post(client, "/api/v1/renew", vin, Csrs.sm2(), null, 201);
        }
        assertRevoked(first.sign());
    }

    @Test
    void tlcpWithoutAClientCertificateAndAOneTimeToken() throws Exception {
        String vin = env.newVin(OTHER_MODEL);
        String token = env.token(vin);
        KeyPair signKey = Csrs.sm2();
        Issued first;
        TlcpContext anonymous = TlcpContext.builder().trustAnchors(env.pki.sm2Trust()).build();
        try (GatewayHttpClient client = GatewayHttpClient.connect(port,
                () -> new SslHandler(anonymous.newClientEngine("localhost", port)))) {
            // Without the token the anonymous client gets nothing.
            Ppv2Client.Response refused = client.post("/api/v1/enroll", "application/json",
                    Ppv2Client.JSON.writeValueAsBytes(EnrollmentRestIT.body(vin, Csrs.csr(signKey, vin), null)));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.problem()).isEqualTo("no-credential");
            first = post(client, "/api/v1/enroll", vin, signKey, token, 201);
        }
        try (GatewayHttpClient client = GatewayHttpClient.connect(port, tlcp(first, signKey))) {
            post(client, "/api/v1/renew", vin, Csrs.sm2(), null, 201);
        }
        assertRevoked(first.sign());
    }

    @Test
    void aCertificateTheGatewayDoesNotTrustNeverReachesTheService() throws Exception {
        // The revoked dev-PKI vehicle is on the gateway's CRL: the handshake fails, nothing is forwarded.
        var revoked = env.pki.revokedVehicle();
        TlcpContext context = TlcpContext.builder()
                .signing(revoked.sign().privateKey(), revoked.sign().chain())
                .encryption(revoked.enc().privateKey(), revoked.enc().certificate())
                .trustAnchors(env.pki.sm2Trust()).build();
        assertThatThrownBy(() -> GatewayHttpClient.connect(port,
                () -> new SslHandler(context.newClientEngine("localhost", port))).close())
                .hasMessageContaining("handshake");
    }

    // ---------------------------------------------------------------------------------------------

    /** What a T-Box keeps from an enrollment answer. */
    record Issued(X509Certificate sign, X509Certificate enc, KeyPair encKey, List<X509Certificate> chain) {
    }

    /** Posts an enroll/renew request and checks the answer the way a T-Box must. */
    private static Issued post(GatewayHttpClient client, String path, String vin, KeyPair signKey, String token,
            int status) throws Exception {
        return post(client, path, vin, signKey, Csrs.csr(signKey, vin), token, status);
    }

    private static Issued post(GatewayHttpClient client, String path, String vin, KeyPair signKey, byte[] csr,
            String token, int status) throws Exception {
        Ppv2Client.Response r = client.post(path, "application/json",
                Ppv2Client.JSON.writeValueAsBytes(EnrollmentRestIT.body(vin, csr, token)));
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonNode json = r.json();
        X509Certificate sign = Csrs.certificate(json.path("signCertificate").asString());
        X509Certificate enc = Csrs.certificate(json.path("encCertificate").asString());
        assertThat(sign.getPublicKey().getEncoded()).isEqualTo(signKey.getPublic().getEncoded());
        KeyPair encKey = Csrs.openAndCheck(Base64.getDecoder().decode(json.path("encPrivateKeyEnvelope").asString()),
                signKey, enc);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(sign);
        for (JsonNode ca : json.path("chain")) {
            chain.add(Csrs.certificate(ca.asString()));
        }
        return new Issued(sign, enc, encKey, chain);
    }

    private static Supplier<SslHandler> tlcp(ModelCredential model) {
        TlcpContext context = TlcpContext.builder()
                .signing(model.signKey(), model.signChain())
                .encryption(model.encKey(), model.enc())
                .trustAnchors(env.pki.sm2Trust()).build();
        return () -> new SslHandler(context.newClientEngine("localhost", port));
    }

    private static Supplier<SslHandler> tlcp(Issued pair, KeyPair signKey) {
        TlcpContext context = TlcpContext.builder()
                .signing(signKey.getPrivate(), pair.chain())
                .encryption(pair.encKey().getPrivate(), pair.enc())
                .trustAnchors(env.pki.sm2Trust()).build();
        return () -> new SslHandler(context.newClientEngine("localhost", port));
    }

    private static Supplier<SslHandler> tls13(PrivateKey key, List<X509Certificate> chain) throws Exception {
        Sm2Tls13ClientEngines engines = Sm2Tls13ClientEngines.create(new CertificateCredential(key, chain),
                env.pki.sm2Trust());
        return () -> engines.newHandler("localhost", port);
    }

    private static void assertRevoked(X509Certificate certificate) {
        IssuedCertificate stored = env.ca.find(certificate.getSerialNumber().toString(16)).orElseThrow();
        assertThat(stored.status()).isEqualTo(CertificateStatus.REVOKED);
    }
}
