package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Misbehaving peers. Each test asserts the alert the other side receives and that both engines
 * end up closed.
 */
class NegativeHandshakeTest {

  private static final TlcpContext SERVER = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();

  /** The server raised {@code alert}, the client received it, both are closed. */
  private static void assertServerRejected(EnginePair pair, Alert alert) {
    assertThat(pair.server.raisedAlert()).as("server error: %s", pair.server.error).isEqualTo(alert);
    assertThat(pair.client.receivedAlert()).as("client error: %s", pair.client.error).isEqualTo(alert);
    assertThat(pair.server.closed()).isTrue();
    assertThat(pair.client.engine.isInboundDone()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class)
  void tamperedRecordIsBadRecordMac(TlcpCipherSuite suite) throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().cipherSuites(List.of(suite)).build(), SERVER).handshake();
    pair.client.outboundTamper = chunk -> {
      byte[] t = chunk.clone();
      t[t.length - 20] ^= 0x01;
      return t;
    };
    pair.client.send("tampered".getBytes(StandardCharsets.US_ASCII));
    pair.pump();
    assertServerRejected(pair, Alert.BAD_RECORD_MAC);
    assertThat(pair.server.received.size()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECC_SM4_CBC_SM3", "ECC_SM4_GCM_SM3"})
  void truncatedRecordIsBadRecordMac(TlcpCipherSuite suite) throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().cipherSuites(List.of(suite)).build(), SERVER).handshake();
    pair.client.outboundTamper = chunk -> {
      // Drop the last 16 bytes of the fragment and fix the header length: a well-framed record
      // whose protected content is cut.
      int len = ((chunk[3] & 0xff) << 8 | (chunk[4] & 0xff)) - 16;
      byte[] t = Arrays.copyOf(chunk, 5 + len);
      t[3] = (byte) (len >>> 8);
      t[4] = (byte) len;
      return t;
    };
    pair.client.send(new byte[100]);
    pair.pump();
    assertServerRejected(pair, Alert.BAD_RECORD_MAC);
  }

  @Test
  void connectionEndingMidRecordIsATruncation() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    pair.client.outboundTamper = chunk -> Arrays.copyOf(chunk, chunk.length - 3);
    pair.client.send(new byte[100]);
    pair.pump();
    assertThat(pair.server.error).isNull();
    assertThat(pair.server.received.size()).isZero();
    assertThatThrownBy(() -> pair.server.engine.closeInbound()).isInstanceOf(SSLException.class)
        .hasMessageContaining("truncation");
  }

  @Test
  void oversizedRecordIsRecordOverflow() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    byte[] header = {ContentType.APPLICATION_DATA, 1, 1, (byte) 0x48, (byte) 0x01}; // 2^14 + 2049
    EnginePair.deliver(pair.server, header);
    pair.pump();
    assertServerRejected(pair, Alert.RECORD_OVERFLOW);
  }

  @Test
  void oversizedPlaintextHandshakeRecordIsRecordOverflow() {
    SSLEngine server = SERVER.newServerEngine();
    byte[] header = {ContentType.HANDSHAKE, 1, 1, (byte) 0x40, (byte) 0x01}; // 2^14 + 1
    assertThat(rawAlert(server, header)).containsExactly(21, 1, 1, 0, 2, 2, Alert.RECORD_OVERFLOW.code());
  }

  @Test
  void garbageInsteadOfClientHelloIsUnexpectedMessage() {
    SSLEngine server = SERVER.newServerEngine();
    byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(rawAlert(server, garbage)).containsExactly(21, 1, 1, 0, 2, 2, Alert.UNEXPECTED_MESSAGE.code());
    assertThat(server.isInboundDone()).isTrue();
    assertThat(server.isOutboundDone()).isTrue();
  }

  @Test
  void malformedClientHelloIsDecodeError() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER);
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> {
      byte[] t = m.clone();
      t[4 + 2 + 32] = (byte) 0xF0; // session_id length: beyond the body's end
      return t;
    });
    pair.handshake();
    assertServerRejected(pair, Alert.DECODE_ERROR);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void tlsClientHelloIsProtocolVersion(String protocol) throws Exception {
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, null, null);
    SSLEngine tls = jdk.createSSLEngine("localhost", 443);
    tls.setUseClientMode(true);
    tls.setEnabledProtocols(new String[] {protocol});
    EnginePair pair = new EnginePair(tls, SERVER.newServerEngine()).handshake();
    assertThat(pair.server.raisedAlert()).isEqualTo(Alert.PROTOCOL_VERSION);
    assertThat(pair.client.error).isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("protocol_version");
    assertThat(pair.server.closed()).isTrue();
  }

  @Test
  void tlsClientHelloAlertUsesTheClientsRecordVersion() throws Exception {
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, null, null);
    SSLEngine tls = jdk.createSSLEngine("localhost", 443);
    tls.setUseClientMode(true);
    tls.beginHandshake();
    ByteBuffer hello = ByteBuffer.allocate(tls.getSession().getPacketBufferSize());
    tls.wrap(ByteBuffer.allocate(0), hello);
    hello.flip();
    byte[] bytes = new byte[hello.remaining()];
    hello.get(bytes);
    byte[] alert = rawAlert(SERVER.newServerEngine(), bytes);
    assertThat(alert).containsExactly(21, bytes[1], bytes[2], 0, 2, 2, Alert.PROTOCOL_VERSION.code());
  }

  @Test
  void clientCertificateFromUnknownCa() throws Exception {
    Vehicle stranger = TestPki.OTHER.vehicles().get(0);
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI)
        .signing(stranger.sign().privateKey(), stranger.sign().chain())
        .encryption(stranger.enc().privateKey(), stranger.enc().certificate()).build();
    assertServerRejected(EnginePair.of(client, SERVER).handshake(), Alert.UNKNOWN_CA);
  }

  @Test
  void expiredClientCertificate() throws Exception {
    Vehicle v = TestPki.PKI.vehicles().get(0);
    Clock afterExpiry = Clock.fixed(v.sign().certificate().getNotAfter().toInstant().plusSeconds(60),
        ZoneOffset.UTC);
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).clock(afterExpiry).build();
    assertServerRejected(EnginePair.of(TestPki.client(v).build(), server).handshake(),
        Alert.CERTIFICATE_EXPIRED);
  }

  @Test
  void signingCertificateWithoutDigitalSignatureIsUnsupported() throws Exception {
    Vehicle v = TestPki.PKI.vehicles().get(0);
    // The encryption certificate (keyEncipherment, keyAgreement) presented as signing certificate.
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI)
        .signing(v.enc().privateKey(), v.enc().chain())
        .cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    assertServerRejected(EnginePair.of(client, SERVER).handshake(), Alert.UNSUPPORTED_CERTIFICATE);
  }

  @Test
  void revokedClientCertificate() throws Exception {
    Vehicle revoked = TestPki.PKI.revokedVehicle();
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED)
        .revocationChecker(new CrlRevocationChecker(List.of(TestPki.PKI.sm2Crl()))).build();
    assertServerRejected(EnginePair.of(TestPki.client(revoked).build(), server).handshake(),
        Alert.CERTIFICATE_REVOKED);
    // and a good vehicle passes the same checker
    EnginePair good = EnginePair.of(TestPki.client().build(), server).handshake();
    assertThat(good.server.error).isNull();
  }

  @Test
  void applicationRefusingThePeerIsAccessDenied() throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED)
        .peerCertificateListener(certs -> {
          throw new CertificateException("not on this gateway");
        }).build();
    assertServerRejected(EnginePair.of(TestPki.client().build(), server).handshake(), Alert.ACCESS_DENIED);
  }

  @Test
  void requiredClientCertificateMissing() throws Exception {
    TlcpContext client = TestPki.clientTrusting(TestPki.PKI).build();
    assertServerRejected(EnginePair.of(client, SERVER).handshake(), Alert.HANDSHAKE_FAILURE);
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECDHE_SM4_CBC_SM3", "ECDHE_SM4_GCM_SM3"})
  void ecdheWithSigningCertificateOnly(TlcpCipherSuite suite) throws Exception {
    TlcpContext server = TestPki.server().build(); // clientAuth NONE: ECDHE still requires certificates
    EnginePair pair = EnginePair.of(TestPki.client().cipherSuites(List.of(suite)).build(), server);
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> {
      if (m[0] != HandshakeType.CERTIFICATE) {
        return m;
      }
      // keep only the first certificate (the signing one)
      int first = ((m[7] & 0xff) << 16) | ((m[8] & 0xff) << 8) | (m[9] & 0xff);
      byte[] cert = Arrays.copyOfRange(m, 7, 7 + 3 + first);
      byte[] body = new byte[3 + cert.length];
      body[0] = (byte) (cert.length >>> 16);
      body[1] = (byte) (cert.length >>> 8);
      body[2] = (byte) cert.length;
      System.arraycopy(cert, 0, body, 3, cert.length);
      return EnginePair.message(HandshakeType.CERTIFICATE, body);
    });
    assertServerRejected(pair.handshake(), Alert.HANDSHAKE_FAILURE);
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECDHE_SM4_CBC_SM3", "ECDHE_SM4_GCM_SM3"})
  void ecdheWithoutClientCertificate(TlcpCipherSuite suite) throws Exception {
    TlcpContext server = TestPki.server().build();
    EnginePair pair = EnginePair.of(TestPki.client().cipherSuites(List.of(suite)).build(), server);
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> m[0] == HandshakeType.CERTIFICATE
        ? EnginePair.message(HandshakeType.CERTIFICATE, new byte[3]) : m);
    assertServerRejected(pair.handshake(), Alert.HANDSHAKE_FAILURE);
  }

  @Test
  void badCertificateVerifyIsDecryptError() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER);
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> {
      if (m[0] != HandshakeType.CERTIFICATE_VERIFY) {
        return m;
      }
      byte[] t = m.clone();
      t[t.length - 1] ^= 0x01; // last byte of s: still DER, no longer the signature
      return t;
    });
    assertServerRejected(pair.handshake(), Alert.DECRYPT_ERROR);
  }

  @Test
  void wrongFinishedIsDecryptError() throws Exception {
    TlcpContext server = TestPki.server().cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    EnginePair pair = EnginePair.of(TestPki.clientTrusting(TestPki.PKI).build(), server);
    // The server ignores unknown extensions, so renaming the client's session_ticket extension
    // changes nothing but the server's transcript: the client's Finished no longer matches.
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> {
      if (m[0] != HandshakeType.CLIENT_HELLO) {
        return m;
      }
      byte[] t = m.clone();
      t[t.length - 4] = 0x77;
      t[t.length - 3] = 0x77;
      return t;
    });
    assertServerRejected(pair.handshake(), Alert.DECRYPT_ERROR);
  }

  @Test
  void noCommonSuiteIsHandshakeFailure() throws Exception {
    TlcpContext server = TestPki.server().cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_CBC_SM3)).build();
    TlcpContext client = TestPki.client().cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    assertServerRejected(EnginePair.of(client, server).handshake(), Alert.HANDSHAKE_FAILURE);
  }

  @Test
  void serverNotNamingTheHostIsRefusedByTheClient() throws Exception {
    TlcpContext client = TestPki.client().build();
    EnginePair pair = new EnginePair(client.newClientEngine("evil.example", 443), SERVER.newServerEngine())
        .handshake();
    assertThat(pair.client.raisedAlert()).isEqualTo(Alert.CERTIFICATE_UNKNOWN);
    assertThat(pair.server.receivedAlert()).isEqualTo(Alert.CERTIFICATE_UNKNOWN);
  }

  @Test
  void serverFromUnknownCaIsRefusedByTheClient() throws Exception {
    TlcpContext other = TestPki.server(TestPki.OTHER).build();
    EnginePair pair = EnginePair.of(TestPki.clientTrusting(TestPki.PKI).build(), other).handshake();
    assertThat(pair.client.raisedAlert()).isEqualTo(Alert.UNKNOWN_CA);
    assertThat(pair.server.receivedAlert()).isEqualTo(Alert.UNKNOWN_CA);
    assertThat(pair.client.closed()).isTrue();
  }

  @Test
  void applicationDataBeforeHandshakeIsUnexpected() {
    byte[] record = {ContentType.APPLICATION_DATA, 1, 1, 0, 3, 1, 2, 3};
    assertThat(rawAlert(SERVER.newServerEngine(), record))
        .containsExactly(21, 1, 1, 0, 2, 2, Alert.UNEXPECTED_MESSAGE.code());
  }

  @Test
  void tooManyEmptyRecordsAreRefused() throws Exception {
    EnginePair pair = EnginePair.of(TestPki.client().build(), SERVER).handshake();
    TlcpEngine client = (TlcpEngine) pair.client.engine;
    for (int i = 0; i < TlcpEngine.MAX_EMPTY_RECORDS + 2; i++) {
      EnginePair.deliver(pair.server, EmptyRecords.of(client));
    }
    pair.pump();
    assertServerRejected(pair, Alert.UNEXPECTED_MESSAGE);
  }

  /** Feeds raw bytes to a fresh server engine and returns what its next wrap writes. */
  static byte[] rawAlert(SSLEngine server, byte[] input) {
    assertThatThrownBy(() -> server.unwrap(ByteBuffer.wrap(input), ByteBuffer.allocate(16384)))
        .isInstanceOf(TlcpAlertException.class);
    ByteBuffer out = ByteBuffer.allocate(100);
    try {
      SSLEngineResult r = server.wrap(ByteBuffer.allocate(0), out);
      assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.CLOSED);
    } catch (SSLException e) {
      throw new AssertionError(e);
    }
    return Arrays.copyOf(out.array(), out.position());
  }
}
