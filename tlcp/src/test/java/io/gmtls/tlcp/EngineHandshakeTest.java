package io.gmtls.tlcp;

import io.gmtls.testsupport.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.crypto.Forwarding;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.message.ClientHello;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our client against our server, in memory, through the public API. */
class EngineHandshakeTest {

  private static final TlcpContext SERVER = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();

  @ParameterizedTest
  @EnumSource(TlcpCipherSuite.class)
  void mutualAuthenticationEverySuite(TlcpCipherSuite suite) throws Exception {
    Vehicle vehicle = TestPki.PKI.vehicles().get(0);
    TlcpContext client = TestPki.client(vehicle).cipherSuites(List.of(suite)).build();
    EnginePair pair = EnginePair.of(client, SERVER).handshake();

    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
    assertThat(pair.client.finishedCount).isEqualTo(1);
    assertThat(pair.server.finishedCount).isEqualTo(1);
    for (EnginePair.Side side : List.of(pair.client, pair.server)) {
      assertThat(side.engine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
      assertThat(side.engine.getSession().getProtocol()).isEqualTo("TLCPv1.1");
      assertThat(side.engine.getSession().getCipherSuite()).isEqualTo(suite.name());
    }
    TlcpSession serverSession = (TlcpSession) pair.server.engine.getSession();
    Certificate[] peer = serverSession.getPeerCertificates();
    assertThat(peer[0]).isEqualTo(vehicle.sign().certificate());
    assertThat(peer[1]).isEqualTo(vehicle.enc().certificate());
    assertThat(serverSession.signingCertificate()).isEqualTo(vehicle.sign().certificate());
    assertThat(serverSession.encryptionCertificate()).isEqualTo(vehicle.enc().certificate());
    assertThat(serverSession.resumed()).isFalse();
    TlcpSession clientSession = (TlcpSession) pair.client.engine.getSession();
    assertThat(clientSession.signingCertificate()).isEqualTo(TestPki.PKI.gatewaySign().certificate());
    assertThat(clientSession.encryptionCertificate()).isEqualTo(TestPki.PKI.gatewayEnc().certificate());

    exchangeData(pair);
  }

  static void exchangeData(EnginePair pair) {
    byte[] big = new byte[40_000];
    new Random(1).nextBytes(big);
    pair.client.send(big);
    pair.server.send("hello vehicle".getBytes(StandardCharsets.US_ASCII));
    pair.pump();
    assertThat(pair.server.received.toByteArray()).isEqualTo(big);
    assertThat(pair.client.received.toString(StandardCharsets.US_ASCII)).isEqualTo("hello vehicle");
  }

  @Test
  void eccWithoutClientAuthentication() throws Exception {
    TlcpContext server = TestPki.server().cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI).build();
    EnginePair pair = EnginePair.of(client, server).handshake();
    assertThat(pair.server.error).isNull();
    assertThat(pair.client.error).isNull();
    assertThatThrownBy(() -> pair.server.engine.getSession().getPeerCertificates())
        .isInstanceOf(SSLPeerUnverifiedException.class);
    exchangeData(pair);
  }

  @Test
  void clientWithoutCertificatesDoesNotOfferEcdhe() throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.OPTIONAL).build();
    EnginePair pair = EnginePair.of(TestPki.clientTrusting(TestPki.PKI).build(), server).handshake();
    assertThat(pair.server.error).isNull();
    assertThat(pair.server.engine.getSession().getCipherSuite()).isEqualTo("ECC_SM4_GCM_SM3");
  }

  @Test
  void eccClientWithSigningCertificateOnlyIsAccepted() throws Exception {
    Vehicle v = TestPki.PKI.vehicles().get(1);
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI).signing(v.sign().privateKey(), v.sign().chain())
        .build();
    EnginePair pair = EnginePair.of(client, SERVER).handshake();
    assertThat(pair.server.error).isNull();
    TlcpSession s = (TlcpSession) pair.server.engine.getSession();
    assertThat(s.getCipherSuite()).startsWith("ECC_");
    assertThat(s.signingCertificate()).isEqualTo(v.sign().certificate());
    assertThat(s.encryptionCertificate()).isNull();
  }

  /**
   * The master secret keys HMAC-SM3 once per handshake, full or resumed, for the key block's and
   * both Finished messages' PRFs (they each keyed it anew: three key set-ups, 4 and 3 keyings).
   */
  @Test
  void theMasterSecretKeysOneHmacPerHandshake() throws Exception {
    AtomicInteger keyings = new AtomicInteger();
    TlcpCrypto real = io.gmtls.tlcp.crypto.fast.TlcpCryptos.createDefault();
    TlcpCrypto counting = Forwarding.to(TlcpCrypto.class, real, (method, args, result) -> {
      if (method.getName().equals("hmacSm3") && ((byte[]) args[0]).length == 48) {
        keyings.incrementAndGet();
      }
      return result;
    });
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).crypto(counting)
        .cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    TlcpContext client = TestPki.client().build();
    EnginePair full = EnginePair.of(client, server).handshake();
    assertThat(full.server.error).isNull();
    // the pre-master secret (48 bytes as well) for the master secret's PRF, then the master secret
    assertThat(keyings.getAndSet(0)).isEqualTo(2);
    EnginePair resumed = EnginePair.of(client, server).handshake();
    assertThat(((TlcpSession) resumed.server.engine.getSession()).resumed()).isTrue();
    assertThat(keyings.get()).isEqualTo(1);
  }

  @Test
  void sessionIdResumption() throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();
    TlcpContext client = TestPki.client().build();
    EnginePair first = EnginePair.of(client, server).handshake();
    assertThat(first.server.error).isNull();
    byte[] id = first.server.engine.getSession().getId();
    assertThat(id).hasSize(32);

    EnginePair second = EnginePair.of(client, server).handshake();
    assertThat(second.server.error).isNull();
    assertThat(((TlcpSession) second.server.engine.getSession()).resumed()).isTrue();
    assertThat(((TlcpSession) second.client.engine.getSession()).resumed()).isTrue();
    assertThat(second.server.engine.getSession().getId()).isEqualTo(id);
    assertThat(((TlcpSession) second.server.engine.getSession()).signingCertificate())
        .isEqualTo(TestPki.PKI.vehicles().get(0).sign().certificate());
    assertThat(second.client.finishedCount).isEqualTo(1);
    assertThat(second.server.finishedCount).isEqualTo(1);
    exchangeData(second);

    server.sessionCache().invalidate(id);
    EnginePair third = EnginePair.of(client, server).handshake();
    assertThat(((TlcpSession) third.server.engine.getSession()).resumed()).isFalse();
  }

  @Test
  void sessionExpiresAfterTimeout() throws Exception {
    MovableClock clock = new MovableClock(Instant.now());
    TlcpContext server = TestPki.server().clock(clock).sessionTimeout(Duration.ofMinutes(5)).build();
    TlcpContext client = TestPki.client().build();
    EnginePair.of(client, server).handshake();
    clock.advance(Duration.ofMinutes(6));
    EnginePair later = EnginePair.of(client, server).handshake();
    assertThat(later.server.error).isNull();
    assertThat(((TlcpSession) later.server.engine.getSession()).resumed()).isFalse();
  }

  @Test
  void ticketResumptionSurvivesOneRotationButNotThree() throws Exception {
    TicketKeySet keys = TicketKeySet.generate();
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).ticketKeys(keys)
        .sessionCacheSize(0).build();
    TlcpContext client = TestPki.client().build();

    EnginePair first = EnginePair.of(client, server).handshake();
    assertThat(first.server.error).isNull();
    assertThat(first.server.engine.getSession().getId()).as("ticket sessions have no ID").isEmpty();

    EnginePair second = EnginePair.of(client, server).handshake();
    assertThat(((TlcpSession) second.server.engine.getSession()).resumed()).isTrue();
    assertThat(((TlcpSession) second.server.engine.getSession()).signingCertificate())
        .isEqualTo(TestPki.PKI.vehicles().get(0).sign().certificate());
    exchangeData(second);

    keys.rotate();
    EnginePair renewed = EnginePair.of(client, server).handshake();
    assertThat(((TlcpSession) renewed.server.engine.getSession()).resumed())
        .as("old key still in the set").isTrue();

    keys.rotate();
    keys.rotate();
    EnginePair stillRenewed = EnginePair.of(client, server).handshake();
    assertThat(((TlcpSession) stillRenewed.server.engine.getSession()).resumed())
        .as("the renewed ticket's key is still in the set").isTrue();

    keys.rotate();
    keys.rotate();
    keys.rotate();
    EnginePair refused = EnginePair.of(client, server).handshake();
    assertThat(refused.server.error).isNull();
    assertThat(((TlcpSession) refused.server.engine.getSession()).resumed())
        .as("ticket key rotated out: full handshake").isFalse();
  }

  @Test
  void ticketsFromAKeyFileWorkAcrossContexts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("ticket.keys");
    TicketKeySet.generate().save(file);
    TlcpContext gatewayA = TestPki.server().ticketKeys(TicketKeySet.load(file)).build();
    TlcpContext gatewayB = TestPki.server().ticketKeys(TicketKeySet.load(file)).build();
    TlcpContext client = TestPki.client().build();
    EnginePair.of(client, gatewayA).handshake();
    EnginePair onB = EnginePair.of(client, gatewayB).handshake();
    assertThat(((TlcpSession) onB.server.engine.getSession()).resumed()).isTrue();
  }

  @Test
  void closeNotifyBothWays() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    pair.client.engine.closeOutbound();
    pair.pump();
    assertThat(pair.server.closedByPeer).isTrue();
    assertThat(pair.server.engine.isInboundDone()).isTrue();
    assertThat(pair.server.engine.isOutboundDone()).as("server answered close_notify").isTrue();
    assertThat(pair.client.closedByPeer).isTrue();
    assertThat(pair.client.closed()).isTrue();
    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
  }

  @Test
  void renegotiationIsRefusedWithAWarning() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    ClientHello again = new ClientHello(0x0101, new byte[32], new byte[0],
        new int[] {TlcpCipherSuite.ECC_SM4_GCM_SM3.id()}, new byte[] {0}, List.of());
    List<Integer> serverRecordTypes = new ArrayList<>();
    pair.server.outboundTamper = chunk -> {
      EnginePair.records(chunk).forEach(r -> serverRecordTypes.add((int) r[0]));
      return chunk;
    };
    ((TlcpEngine) pair.client.engine).writeHandshake(again.encode());
    pair.pump();
    assertThat(serverRecordTypes).as("the server answered with one (encrypted) alert record")
        .containsExactly(21);
    assertThat(pair.server.error).isNull();
    assertThat(pair.client.error).as("no_renegotiation is a warning").isNull();
    exchangeData(pair);
  }

  @Test
  void serverRejectsRenegotiationFromItsApi() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    assertThatThrownBy(() -> pair.server.engine.beginHandshake()).hasMessageContaining("renegotiation");
  }

  /**
   * The packet buffer size is the largest record the engine writes (2^14 + 64 and the header),
   * below Netty's largest pooled size class (16,896 bytes; at 2^14 + 2048 every wrap of the
   * gateway took a new 18 KB array) — and room enough: a full 2^14-byte write, in every suite,
   * goes into a buffer of exactly that size as one record, which the peer reads back.
   */
  @ParameterizedTest
  @EnumSource(TlcpCipherSuite.class)
  void aFullRecordFitsThePacketBufferSize(TlcpCipherSuite suite) throws Exception {
    TlcpContext client = TestPki.client(TestPki.PKI.vehicles().get(0)).cipherSuites(List.of(suite)).build();
    EnginePair pair = EnginePair.of(client, SERVER).handshake();
    int packet = pair.client.engine.getSession().getPacketBufferSize();
    assertThat(packet).isEqualTo(5 + 16384 + 64).isLessThanOrEqualTo(16896);
    byte[] data = new byte[16384];
    new Random(16).nextBytes(data);
    ByteBuffer out = ByteBuffer.allocate(packet);
    SSLEngineResult r = pair.client.engine.wrap(ByteBuffer.wrap(data), out);
    assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
    assertThat(r.bytesConsumed()).isEqualTo(16384);
    out.flip();
    ByteBuffer app = ByteBuffer.allocate(pair.server.engine.getSession().getApplicationBufferSize());
    r = pair.server.engine.unwrap(out, app);
    assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
    assertThat(out.hasRemaining()).isFalse();
    assertThat(Arrays.copyOf(app.array(), app.position())).isEqualTo(data);
  }

  @Test
  void bufferSizesFollowTheSession() {
    var engine = SERVER.newServerEngine();
    assertThat(engine.getSession().getPacketBufferSize()).isEqualTo(5 + 16384 + 64);
    assertThat(engine.getSession().getApplicationBufferSize()).isEqualTo(16384);
    assertThat(engine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
    assertThat(engine.getSupportedProtocols()).containsExactly("TLCPv1.1");
  }

  @Test
  void peerCertificateListenerSeesSigningCertificateFirst() throws Exception {
    List<X509Certificate> seen = new ArrayList<>();
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED)
        .peerCertificateListener(seen::addAll).build();
    EnginePair.of(TestPki.client().build(), server).handshake();
    Vehicle v = TestPki.PKI.vehicles().get(0);
    assertThat(seen).startsWith(v.sign().certificate(), v.enc().certificate());
  }

  @Test
  void interopPkiHandshake() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2028-01-01T00:00:00Z"), ZoneOffset.UTC);
    TlcpContext server = Interop.context(true).clientAuth(ClientAuth.REQUIRED).clock(clock).build();
    TlcpContext client = Interop.context(false).clock(clock).build();
    EnginePair pair = new EnginePair(client.newClientEngine("gateway.example.test", 443),
        server.newServerEngine()).handshake();
    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
  }

}
