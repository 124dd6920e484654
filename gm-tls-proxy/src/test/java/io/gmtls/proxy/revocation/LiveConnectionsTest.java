package io.gmtls.proxy.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxy.revocation.LiveConnections.CertificateId;

class LiveConnectionsTest {

    @TempDir
    static Path dir;
    static DevPki pki;

    final LiveConnections live = new LiveConnections();

    @BeforeAll
    static void pki() throws Exception {
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(2));
    }

    private static CertificateId signId(Vehicle v) {
        return CertificateId.of(v.sign().certificate());
    }

    @Test
    void oneCertificateClosesExactlyItsConnectionsEvenWhenSeveralShareIt() {
        Vehicle a = pki.vehicles().get(0);
        Vehicle b = pki.vehicles().get(1);
        FakeConnection a1 = FakeConnection.register(live, a.sign().certificate(), a.enc().certificate());
        // The same vehicle reconnected before its old connection went away: both must close.
        FakeConnection a2 = FakeConnection.register(live, a.sign().certificate(), a.enc().certificate());
        FakeConnection other = FakeConnection.register(live, b.sign().certificate(), b.enc().certificate());
        assertThat(live.size()).isEqualTo(3);

        assertThat(live.closeRevoked(signId(a))).isEqualTo(2);
        assertThat(a1.closed).hasValue(1);
        assertThat(a2.closed).hasValue(1);
        assertThat(other.closed).hasValue(0);
        assertThat(live.size()).isEqualTo(1);
        assertThat(live.closeRevoked(signId(a))).as("nothing left under that certificate").isZero();
        assertThat(live.closeRevoked(CertificateId.of(a.enc().certificate())))
                .as("the encryption certificate's entries went with the close").isZero();
    }

    @Test
    void aCrlRevokingBothCertificatesOfAConnectionClosesAndCountsItOnce() {
        Vehicle a = pki.vehicles().get(0);
        Vehicle b = pki.vehicles().get(1);
        // Not unregistering on close, like a connection whose close is still queued on its event loop.
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        live.register(closes::incrementAndGet, java.util.List.of(a.sign().certificate(), a.enc().certificate()));
        FakeConnection other = FakeConnection.register(live, b.sign().certificate());
        var issuer = a.sign().certificate().getIssuerX500Principal();
        var serials = java.util.Set.of(a.sign().certificate().getSerialNumber(), a.enc().certificate().getSerialNumber());
        assertThat(live.closeRevoked((i, s) -> i.equals(issuer) && serials.contains(s))).isEqualTo(1);
        assertThat(closes).hasValue(1);
        assertThat(other.closed).hasValue(0);
    }

    @Test
    void unregisteringOneOfSeveralConnectionsOfACertificateKeepsTheOthers() {
        Vehicle a = pki.vehicles().get(0);
        FakeConnection a1 = FakeConnection.register(live, a.sign().certificate());
        FakeConnection a2 = FakeConnection.register(live, a.sign().certificate());
        FakeConnection a3 = FakeConnection.register(live, a.sign().certificate());
        a2.closeRevoked();
        assertThat(live.closeRevoked(signId(a))).isEqualTo(2);
        assertThat(a1.closed).hasValue(1);
        assertThat(a3.closed).hasValue(1);
        assertThat(live.size()).isZero();
    }
}
