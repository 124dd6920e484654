package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Resumption — by session ID and by ticket — runs the policy a full handshake runs (issue 11
 * items 5 and 6): the peer certificate listener, the revocation checker, and the trust anchors
 * the session was made under.
 */
class ResumptionPolicyTest {

  /** A listener that records what it saw and refuses once told to. */
  private static final class Gate implements PeerCertificateListener {
    final List<List<X509Certificate>> calls = new CopyOnWriteArrayList<>();
    final AtomicBoolean refuse = new AtomicBoolean();

    @Override
    public void peerVerified(List<X509Certificate> peer) throws CertificateException {
      calls.add(peer);
      if (refuse.get()) {
        throw new CertificateException("vehicle no longer allowed here");
      }
    }
  }

  private static boolean resumed(EnginePair.Side side) {
    return ((TlcpSession) side.engine.getSession()).resumed();
  }

  private static void listenerRunsOnResumption(TlcpContext.Builder serverBuilder) throws Exception {
    Gate gate = new Gate();
    TlcpContext server = serverBuilder.clientAuth(ClientAuth.REQUIRED).peerCertificateListener(gate).build();
    TlcpContext client = TestPki.client().build();
    assertThat(EnginePair.of(client, server).handshake().server.error).isNull();
    assertThat(gate.calls).hasSize(1);

    EnginePair second = EnginePair.of(client, server).handshake();
    assertThat(second.server.error).isNull();
    assertThat(resumed(second.server)).isTrue();
    assertThat(gate.calls).as("called again on resumption").hasSize(2);
    assertThat(gate.calls.get(1)).isEqualTo(gate.calls.get(0));

    gate.refuse.set(true);
    EnginePair refused = EnginePair.of(client, server).handshake();
    assertThat(refused.server.raisedAlert()).isEqualTo(Alert.ACCESS_DENIED);
    assertThat(refused.client.finishedCount).isZero();
  }

  @Test
  void sessionIdResumptionRunsThePeerCertificateListener() throws Exception {
    listenerRunsOnResumption(TestPki.server());
  }

  @Test
  void ticketResumptionRunsThePeerCertificateListener() throws Exception {
    listenerRunsOnResumption(TestPki.server().ticketKeys(TicketKeySet.generate()).sessionCacheSize(0));
  }

  @Test
  void clientResumptionRunsItsPeerCertificateListener() throws Exception {
    Gate gate = new Gate();
    TlcpContext server = TestPki.server().build();
    TlcpContext client = TestPki.client().peerCertificateListener(gate).build();
    EnginePair.of(client, server).handshake();
    EnginePair second = EnginePair.of(client, server).handshake();
    assertThat(resumed(second.client)).isTrue();
    assertThat(gate.calls).hasSize(2);
    assertThat(gate.calls.get(1).get(0)).isEqualTo(TestPki.PKI.gatewaySign().certificate());
  }

  @Test
  void ticketFromAContextWithOtherTrustAnchorsDoesNotResume() throws Exception {
    // Two gateways share ticket keys but not trust: B does not trust the vehicles' CA.
    TicketKeySet shared = TicketKeySet.generate();
    TlcpContext a = TestPki.server().clientAuth(ClientAuth.REQUIRED).ticketKeys(shared)
        .sessionCacheSize(0).build();
    TlcpContext b = TestPki.server().trustAnchors(TestPki.OTHER.sm2Trust()).clientAuth(ClientAuth.REQUIRED)
        .ticketKeys(shared).sessionCacheSize(0).build();
    TlcpContext client = TestPki.client().build();
    EnginePair onA = EnginePair.of(client, a).handshake();
    assertThat(onA.server.error).isNull();

    EnginePair onB = EnginePair.of(client, b).handshake();

    assertThat(resumed(onB.server)).as("ticket made under other anchors").isFalse();
    assertThat(onB.server.raisedAlert()).as("full handshake: the vehicle's CA is unknown to B")
        .isEqualTo(Alert.UNKNOWN_CA);
  }

  @Test
  void clientRechecksRevocationBeforeResuming() throws Exception {
    AtomicBoolean revoked = new AtomicBoolean();
    TlcpContext server = TestPki.server().build();
    TlcpContext client = TestPki.client().revocationChecker(
        chain -> revoked.get() ? RevocationStatus.UNKNOWN : RevocationStatus.GOOD).build();
    assertThat(EnginePair.of(client, server).handshake().client.error).isNull();
    revoked.set(true);

    EnginePair second = EnginePair.of(client, server).handshake();

    assertThat(resumed(second.client)).isFalse();
    assertThat(second.client.raisedAlert()).isEqualTo(Alert.CERTIFICATE_UNKNOWN);
  }

  private static void serverRechecksRevocationBeforeResuming(TlcpContext.Builder serverBuilder) throws Exception {
    AtomicBoolean revoked = new AtomicBoolean();
    List<List<X509Certificate>> checked = new CopyOnWriteArrayList<>();
    TlcpContext server = serverBuilder.clientAuth(ClientAuth.REQUIRED).revocationChecker(chain -> {
      checked.add(chain);
      return revoked.get() && chain.get(0).equals(TestPki.PKI.vehicles().get(0).sign().certificate())
          ? RevocationStatus.REVOKED : RevocationStatus.GOOD;
    }).build();
    TlcpContext client = TestPki.client().build();
    assertThat(EnginePair.of(client, server).handshake().server.error).isNull();
    List<List<X509Certificate>> full = List.copyOf(checked);
    checked.clear();

    EnginePair second = EnginePair.of(client, server).handshake();
    assertThat(second.server.error).isNull();
    assertThat(resumed(second.server)).isTrue();
    assertThat(checked).as("the same chains checked on resumption").isEqualTo(full).hasSize(2);

    revoked.set(true);
    EnginePair third = EnginePair.of(client, server).handshake();

    assertThat(resumed(third.server)).as("a revoked vehicle never resumes").isFalse();
    assertThat(third.server.raisedAlert()).isEqualTo(Alert.CERTIFICATE_REVOKED);
    assertThat(third.client.finishedCount).isZero();
  }

  @Test
  void serverRechecksRevocationBeforeResumingASessionId() throws Exception {
    serverRechecksRevocationBeforeResuming(TestPki.server());
  }

  @Test
  void serverRechecksRevocationBeforeResumingATicket() throws Exception {
    serverRechecksRevocationBeforeResuming(TestPki.server().ticketKeys(TicketKeySet.generate()).sessionCacheSize(0));
  }
}
