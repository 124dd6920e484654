package io.gmtls.proxy.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.proxy.Crls;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.tlcp.RevocationStatus;

class RevocationServiceTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static Path crl;
    static Path issuer;

    GatewayMetrics metrics = new GatewayMetrics();
    LiveConnections live = new LiveConnections();
    RevocationService service = new RevocationService(live, metrics, Clock.systemUTC());

    @BeforeAll
    static void pki() throws Exception {
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(1));
        issuer = dir.resolve("pki/sm2/issuing-ca.crt");
    }

    @AfterEach
    void close() {
        service.close();
    }

    private void configure(Path crlFile) throws Exception {
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(1),
                List.of(new CrlConfig("sm2", Optional.of(crlFile), Optional.empty(), issuer)));
        service.apply(service.prepare(dir.resolve("gateway.yaml"), config));
    }

    private List<java.security.cert.X509Certificate> chain(io.gmtls.certsdev.Credential c) {
        return c.chain();
    }

    @Test
    void sm2CrlIsVerifiedAndAnswersFromMemory() throws Exception {
        configure(dir.resolve("pki/sm2/issuing-ca.crl"));
        assertThat(service.status(chain(pki.revokedVehicle().sign()))).isEqualTo(RevocationStatus.REVOKED);
        assertThat(service.status(chain(pki.vehicles().get(0).sign()))).isEqualTo(RevocationStatus.GOOD);
        // No CRL configured for the ECDSA CA: not covered.
        assertThat(service.status(chain(pki.vehicles().get(0).ecdsa()))).isEqualTo(RevocationStatus.GOOD);
    }

    @Test
    void aMissingCrlFailsClosedForItsIssuer() throws Exception {
        configure(dir.resolve("absent.crl"));
        assertThat(service.status(chain(pki.vehicles().get(0).sign()))).isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(metrics.scrape()).contains("gateway_crl_refresh_failures_total{crl=\"sm2\"} 1.0");
    }

    @Test
    void aCrlSignedByAnotherKeyIsRefusedAndTheLastGoodOneKept() throws Exception {
        Path file = dir.resolve("forged.crl");
        Files.copy(dir.resolve("pki/sm2/issuing-ca.crl"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        configure(file);
        // Same issuer name, signed by the root's key: an attacker's "empty" CRL must not un-revoke anyone.
        io.gmtls.certsdev.Credential impostor = new io.gmtls.certsdev.Credential(pki.sm2Issuing().role(),
                pki.sm2Issuing().certificate(), pki.sm2Root().privateKey(), pki.sm2Issuing().chain());
        Crls.write(file, impostor, List.of());
        service.refreshAll();
        assertThat(service.status(chain(pki.revokedVehicle().sign()))).isEqualTo(RevocationStatus.REVOKED);
        assertThat(metrics.scrape()).contains("gateway_crl_refresh_failures_total{crl=\"sm2\"} 1.0");

        Files.write(file, new byte[] {0x30, 0x03, 0x02, 0x01});
        service.refreshAll();
        assertThat(service.status(chain(pki.revokedVehicle().sign()))).isEqualTo(RevocationStatus.REVOKED);
    }

    @Test
    void aCrlIsFetchedOverHttp() throws Exception {
        byte[] crl = java.nio.file.Files.readAllBytes(dir.resolve("pki/sm2/issuing-ca.crl"));
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/issuing.crl", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/pkix-crl");
            exchange.sendResponseHeaders(200, crl.length);
            try (var body = exchange.getResponseBody()) {
                body.write(crl);
            }
        });
        server.start();
        try {
            java.net.URI url = java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/issuing.crl");
            RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(2),
                    List.of(new CrlConfig("http", Optional.empty(), Optional.of(url), issuer)));
            service.apply(service.prepare(dir.resolve("gateway.yaml"), config));
            assertThat(service.status(chain(pki.revokedVehicle().sign()))).isEqualTo(RevocationStatus.REVOKED);
            assertThat(service.status(chain(pki.vehicles().get(0).sign()))).isEqualTo(RevocationStatus.GOOD);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aNewlyRevokedCertificateClosesItsLiveConnections() throws Exception {
        Path file = dir.resolve("live.crl");
        Files.copy(dir.resolve("pki/sm2/issuing-ca.crl"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        configure(file);
        var a = pki.vehicles().get(0);
        FakeConnection connA = FakeConnection.register(live, a.sign().certificate(), a.enc().certificate());
        FakeConnection connB = FakeConnection.register(live, pki.modelSign().certificate());
        BigInteger serial = a.enc().certificate().getSerialNumber();
        Crls.write(file, pki.sm2Issuing(), List.of(serial));
        service.refreshAll();
        assertThat(connA.closed).hasValue(1);
        assertThat(connB.closed).hasValue(0);
        assertThat(live.size()).isEqualTo(1);
        assertThat(service.status(a.enc().certificate().getIssuerX500Principal(), serial))
                .isEqualTo(RevocationStatus.REVOKED);
        assertThat(metrics.scrape()).contains("gateway_revoked_connections_closed_total 1.0");
    }
}
