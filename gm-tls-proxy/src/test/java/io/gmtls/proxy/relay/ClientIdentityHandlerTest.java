package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

class ClientIdentityHandlerTest {

    @TempDir
    static Path dir;
    static DevPki pki;

    final TestRelay relay = new TestRelay();
    final EmbeddedChannel channel = TestRelay.unregistered();
    final ConnectionState state = new ConnectionState("gw-1", channel);
    final ClientIdentityHandler identity = new ClientIdentityHandler(relay.rc, state);
    final TestRelay.Events events = new TestRelay.Events();

    @BeforeAll
    static void pki() throws Exception {
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(1));
    }

    @BeforeEach
    void crl() throws Exception {
        // The dev PKI's CRL lists its revoked vehicle.
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(1),
                List.of(new CrlConfig("sm2", Optional.of(dir.resolve("pki/sm2/issuing-ca.crl")), Optional.empty(),
                        dir.resolve("pki/sm2/issuing-ca.crt"))));
        relay.revocation.apply(relay.revocation.prepare(dir.resolve("gateway.yaml"), config));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        relay.revocation.close();
    }

    private void handshake(List<X509Certificate> client) throws Exception {
        SslHandler ssl = new SslHandler(new SessionEngine("TLSv1.3", "TLS_SM4_GCM_SM3", client));
        TestRelay.active(channel, ssl, identity, events);
        channel.pipeline().fireUserEventTriggered(new io.gmtls.proxy.relay.ProtocolSniffed("TLS"));
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    @Test
    void aVerifiedClientIsRegisteredCountedAndAnnounced() throws Exception {
        X509Certificate vehicle = pki.vehicles().get(0).sign().certificate();
        handshake(pki.vehicles().get(0).sign().chain());

        List<ClientIdentified> identified = events.of(ClientIdentified.class);
        assertThat(identified).hasSize(1);
        assertThat(identified.get(0).facts().signingCertificate()).isEqualTo(vehicle);
        assertThat(identified.get(0).facts().protocol()).isEqualTo("TLSv1.3");
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.pipeline().get(ClientIdentityHandler.class)).as("leaves after the handshake").isNull();
        assertThat(state.protocol()).isEqualTo("TLSv1.3");
        assertThat(state.suite()).isEqualTo("TLS_SM4_GCM_SM3");
        assertThat(state.serial()).isEqualTo(vehicle.getSerialNumber().toString(16));
        assertThat(state.commonName()).isNotBlank();
        assertThat(vehicle.getSubjectX500Principal().getName()).contains("CN=" + state.commonName());
        assertThat(relay.live.size()).isEqualTo(1);
        assertThat(relay.metrics.scrape())
                .containsPattern("gateway_handshakes_total\\{[^}]*protocol=\"TLSv1.3\"[^}]*result=\"success\"[^}]*\\} 1\\.0");

        channel.close();
        assertThat(relay.live.size()).as("unregistered on close").isZero();
    }

    @Test
    void aClientRevokedSinceTheEnginesCheckIsClosedAndNotAnnounced() throws Exception {
        handshake(pki.revokedVehicle().sign().chain());

        assertThat(events.of(ClientIdentified.class)).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("certificate_revoked");
        assertThat(relay.live.size()).isZero();
        assertThat(relay.metrics.scrape()).containsPattern("gateway_revoked_connections_closed_total(\\{[^}]*\\})? 1\\.0");
    }

    @Test
    void aCrlRefreshClosesARegisteredConnectionOnItsEventLoop() throws Exception {
        handshake(pki.vehicles().get(0).sign().chain());

        identity.closeRevoked();
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("certificate_revoked");
    }

    @Test
    void aClientWithoutCertificateIsAnnouncedAnonymous() throws Exception {
        handshake(List.of());

        assertThat(events.of(ClientIdentified.class)).singleElement()
                .satisfies(e -> assertThat(e.facts().signingCertificate()).isNull());
        assertThat(state.commonName()).isNull();
        assertThat(relay.live.size()).isZero();
    }

    @Test
    void aFailedHandshakeIsCountedWithTheSniffedFamilyAndClosed() throws Exception {
        TestRelay.active(channel, identity, events);
        channel.pipeline().fireUserEventTriggered(new ProtocolSniffed("TLCP"));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLHandshakeException("no cipher suites in common")));

        assertThat(channel.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("handshake_failed: no cipher suites in common");
        assertThat(events.of(ClientIdentified.class)).isEmpty();
        String scrape = relay.metrics.scrape();
        assertThat(scrape).containsPattern("gateway_handshakes_total\\{[^}]*protocol=\"TLCP\"[^}]*result=\"failure\"[^}]*\\} 1\\.0");
        assertThat(scrape).containsPattern("gateway_alerts_sent_total\\{[^}]*alert=\"handshake_failure\"[^}]*\\} 1\\.0");
    }

    @Test
    void aFailureAfterAnotherCloseReasonKeepsThatReason() throws Exception {
        TestRelay.active(channel, identity, events);
        state.closeWith("handshake_timeout");
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLHandshakeException("closed")));

        assertThat(state.closeReason()).isEqualTo("handshake_timeout");
        assertThat(relay.metrics.scrape()).doesNotContain("result=\"failure\"");
    }
}
