package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxyprotocol.CertificateFacts;
import io.gmtls.tlcp.handshake.Certificates;

/** The client identity computed once per distinct chain: the same facts as from the certificates, bounded. */
class PeerIdentityTest {

    private static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(2));

    private static List<X509Certificate> tlcpPath(Vehicle v) {
        List<X509Certificate> path = new ArrayList<>(v.sign().chain());
        path.add(1, v.enc().certificate());
        return path;
    }

    @Test
    void theIdentityHoldsExactlyTheFactsOfTheCertificates() throws Exception {
        Vehicle v = PKI.vehicles().get(0);
        List<X509Certificate> path = tlcpPath(v);
        LiveConnections registry = new LiveConnections();

        PeerIdentity identity = PeerIdentity.of(path, registry);

        X509Certificate signing = v.sign().certificate();
        assertThat(identity.ppv2()).isEqualTo(CertificateFacts.of(signing));
        assertThat(identity.commonName()).isEqualTo(v.vin());
        assertThat(identity.serialHex()).isEqualTo(signing.getSerialNumber().toString(16));
        assertThat(identity.endEntities()).containsExactly(LiveConnections.CertificateId.of(signing),
                LiveConnections.CertificateId.of(v.enc().certificate()));
        assertThat(identity.checked()).containsExactly(identity.endEntities());
    }

    @Test
    void theSameChainGivesTheSameIdentityAnotherChainAnother() throws Exception {
        List<X509Certificate> path = tlcpPath(PKI.vehicles().get(0));
        // Equal certificates parsed again (another connection's objects): found by their bytes.
        List<X509Certificate> reparsed = new ArrayList<>();
        for (X509Certificate c : path) {
            reparsed.add((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509", Certificates.provider())
                    .generateCertificate(new java.io.ByteArrayInputStream(c.getEncoded())));
        }

        PeerIdentity first = PeerIdentity.of(path, null);

        assertThat(PeerIdentity.of(reparsed, null)).isSameAs(first);
        PeerIdentity other = PeerIdentity.of(tlcpPath(PKI.vehicles().get(1)), null);
        assertThat(other).isNotSameAs(first);
        assertThat(other.commonName()).isEqualTo(PKI.vehicles().get(1).vin());
        assertThat(PeerIdentity.of(List.of(), null)).isNull();
    }

    @Test
    void theCacheIsBounded() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Certificates.provider());
        g.initialize(new ECGenParameterSpec("sm2p256v1"));
        KeyPair key = g.generateKeyPair();
        JcaContentSignerBuilder signer = new JcaContentSignerBuilder("SM3withSM2").setProvider(Certificates.provider());
        Instant now = Instant.now();
        for (int i = 0; i < PeerIdentity.CACHE_SIZE + 10; i++) {
            X509Certificate c = new JcaX509CertificateConverter().setProvider(Certificates.provider())
                    .getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=ca"), BigInteger.valueOf(i + 1),
                            Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=car" + i),
                            key.getPublic()).build(signer.build(key.getPrivate())));
            assertThat(PeerIdentity.of(List.of(c), null).commonName()).isEqualTo("car" + i);
        }

        assertThat(PeerIdentity.cachedCount()).isLessThanOrEqualTo(PeerIdentity.CACHE_SIZE);
    }

    @Test
    void factsThatCannotBeComputedRefuseTheHeaderAsBefore() {
        PeerIdentity broken = new PeerIdentity("x", "1", null, new IllegalArgumentException("CN has a control character"),
                new LiveConnections.CertificateId[0], new LiveConnections.CertificateId[0]);

        assertThatThrownBy(broken::ppv2OrThrow).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CN has a control character");
    }
}
