package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.testsupport.RawDerCertificate;
import io.gmtls.tlcp.handshake.Certificates;
import io.gmtls.tlcp.handshake.CraftedCertificates;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peer's identity comes from the verified path only: certificates a client sends beside its
 * valid chain neither hide its identity (issue 11 item 1) nor stay in memory with its session
 * (item 3).
 */
class PeerIdentityTest {

  private static final Vehicle VEHICLE = TestPki.PKI.vehicles().get(0);

  /** A client that sends its valid chain, then {@code extras}. */
  private static TlcpContext clientAppending(List<X509Certificate> extras) {
    List<X509Certificate> chain = new ArrayList<>(VEHICLE.sign().chain());
    chain.addAll(extras);
    return TestPki.clientTrusting(TestPki.PKI).signing(VEHICLE.sign().privateKey(), chain)
        .encryption(VEHICLE.enc().privateKey(), VEHICLE.enc().certificate()).build();
  }

  @Test
  void authenticatedClientAppendingAnUnparsableCertificateKeepsItsVerifiedIdentity() throws Exception {
    KeyPair k = CraftedCertificates.sm2KeyPair();
    byte[] unparsable = CraftedCertificates.der("CN=extra", "CN=extra", k.getPublic(), k.getPrivate(),
        CraftedCertificates.malformedBasicConstraints());
    assertThatThrownBy(() -> Certificates.fromDer(unparsable)).as("the probe's premise")
        .isInstanceOf(CertificateException.class);
    TlcpContext client = clientAppending(List.of(new RawDerCertificate(VEHICLE.sign().certificate(), unparsable)));
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();

    EnginePair pair = EnginePair.of(client, server).handshake();

    assertThat(pair.server.error).isNull();
    TlcpSession session = (TlcpSession) pair.server.engine.getSession();
    assertThat(session.peerAuthenticated()).isTrue();
    Certificate[] peer = session.getPeerCertificates();
    assertThat(peer[0]).isEqualTo(VEHICLE.sign().certificate());
    assertThat(List.of(peer)).contains(VEHICLE.enc().certificate())
        .noneMatch(c -> ((X509Certificate) c).getSubjectX500Principal().getName().equals("CN=extra"));
    assertThat(session.getPeerPrincipal()).isEqualTo(VEHICLE.sign().certificate().getSubjectX500Principal());
  }

  @Test
  void cachedServerSessionHoldsOnlyTheVerifiedPathWhenTheClientSendsTenBigCertificates() throws Exception {
    // 8 certificates of ~7 KB each beside the vehicle's signing and encryption certificates:
    // 10 in all, the most a server accepts.
    List<X509Certificate> big = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      KeyPair k = CraftedCertificates.sm2KeyPair();
      big.add(CraftedCertificates.issue("CN=big " + i, "CN=big " + i, k.getPublic(), k.getPrivate(),
          CraftedCertificates.padding(7000)));
    }
    List<X509Certificate> chain = new ArrayList<>(List.of(VEHICLE.sign().certificate()));
    chain.addAll(big);
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI).signing(VEHICLE.sign().privateKey(), chain)
        .encryption(VEHICLE.enc().privateKey(), VEHICLE.enc().certificate()).build();
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();
    long sent = VEHICLE.sign().certificate().getEncoded().length + VEHICLE.enc().certificate().getEncoded().length;
    for (X509Certificate c : big) {
      sent += c.getEncoded().length;
    }
    assertThat(sent).as("the probe's premise").isGreaterThan(56_000);

    EnginePair pair = EnginePair.of(client, server).handshake();

    assertThat(pair.server.error).isNull();
    SessionState cached = server.sessionCache().peekServer(pair.server.engine.getSession().getId());
    assertThat(cached).isNotNull();
    long held = 0;
    for (byte[] c : cached.peerCertificates()) {
      held += c.length;
    }
    long path = VEHICLE.sign().certificate().getEncoded().length + VEHICLE.enc().certificate().getEncoded().length;
    assertThat(held).as("certificate bytes held by one cached session").isEqualTo(path).isLessThan(4096);
    assertThat(pair.server.engine.getSession().getPeerCertificates()).hasSize(2);
  }
}
