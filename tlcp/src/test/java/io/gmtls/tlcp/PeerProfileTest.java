package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.handshake.Transcript;
import io.gmtls.tlcp.message.CertificateMessage;
import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.Extension;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two peer profiles: our client produces the CertificateVerify form its context names —
 * checked by OpenSSL 3 as an independent SM2 verifier ({@code pkeyutl -verify -rawin -digest sm3
 * -pkeyopt distid:1234567812345678}: SM2 with Z from the default ID over the given bytes) — and
 * the ECDHE ClientKeyExchange form; our server accepts either, refusing a signature that fits
 * neither with the same alert.
 */
class PeerProfileTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECC_SM4_CBC_SM3", "ECDHE_SM4_GCM_SM3"})
  void gmsslFormSignsTheRawMessages(TlcpCipherSuite suite) throws Exception {
    Captured c = handshake(PeerProfile.GMSSL, suite);
    assertThat(opensslVerifies(c.messagesBeforeVerify(), c.signature())).isTrue();
    assertThat(opensslVerifies(sm3(c.messagesBeforeVerify()), c.signature())).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECC_SM4_GCM_SM3", "ECDHE_SM4_CBC_SM3"})
  void tongsuoFormSignsTheHashOfTheMessages(TlcpCipherSuite suite) throws Exception {
    Captured c = handshake(PeerProfile.TONGSUO, suite);
    assertThat(opensslVerifies(sm3(c.messagesBeforeVerify()), c.signature())).isTrue();
    assertThat(opensslVerifies(c.messagesBeforeVerify(), c.signature())).isFalse();
  }

  @ParameterizedTest
  @EnumSource(PeerProfile.class)
  void ecdheClientKeyExchangeTakesTheProfilesForm(PeerProfile profile) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED)
        .cipherSuites(TestPki.only(TlcpCipherSuite.ECDHE_SM4_GCM_SM3)).build();
    EnginePair pair = EnginePair.of(TestPki.client().peerProfile(profile).build(), server);
    ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    pair.client.outboundTamper = chunk -> {
      fromClient.writeBytes(chunk);
      return chunk;
    };
    pair.handshake();
    assertThat(pair.server.finishedCount).isEqualTo(1);
    byte[] cke = plaintextMessages(fromClient.toByteArray()).stream()
        .filter(m -> (m[0] & 0xff) == HandshakeType.CLIENT_KEY_EXCHANGE).findFirst().orElseThrow();
    // Tongsuo: curve type 3 first; GmSSL: a uint16 length (69) before it.
    if (profile == PeerProfile.GMSSL) {
      assertThat(Arrays.copyOfRange(cke, 4, 7)).containsExactly(0, 69, 3);
    } else {
      assertThat(cke[4]).isEqualTo((byte) 3);
    }
  }

  /** GmSSL's server refuses an encryption certificate on ECC suites and any unknown extension. */
  @ParameterizedTest
  @EnumSource(PeerProfile.class)
  void eccCertificateAndClientHelloTakeTheProfilesForm(PeerProfile profile) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).ticketKeys(TicketKeySet.generate())
        .cipherSuites(TestPki.only(TlcpCipherSuite.ECC_SM4_GCM_SM3)).build();
    EnginePair pair = EnginePair.of(TestPki.client().peerProfile(profile).build(), server);
    ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    pair.client.outboundTamper = chunk -> {
      fromClient.writeBytes(chunk);
      return chunk;
    };
    pair.handshake();
    assertThat(pair.server.finishedCount).isEqualTo(1);
    assertThat(pair.server.engine.getSession().getPeerCertificates()[0])
        .isEqualTo(TestPki.PKI.vehicles().get(0).sign().certificate());
    List<byte[]> messages = plaintextMessages(fromClient.toByteArray());
    ClientHello hello = ClientHello.parse(Arrays.copyOfRange(messages.get(0), 4, messages.get(0).length));
    List<byte[]> certificates = CertificateMessage.parse(Arrays.copyOfRange(messages.get(1), 4, messages.get(1).length))
        .certificates();
    byte[] encryption = TestPki.PKI.vehicles().get(0).enc().certificate().getEncoded();
    assertThat(certificates.get(0)).isEqualTo(TestPki.PKI.vehicles().get(0).sign().certificate().getEncoded());
    if (profile == PeerProfile.GMSSL) {
      assertThat(certificates).noneMatch(c -> Arrays.equals(c, encryption));
      assertThat(hello.extensions()).isEmpty();
    } else {
      assertThat(certificates.get(1)).isEqualTo(encryption);
      assertThat(hello.extensions()).extracting(Extension::type).containsExactly(Extension.SESSION_TICKET);
    }
  }

  @Test
  void tongsuoIsTheDefault() {
    assertThat(TestPki.client().build().peerProfile()).isEqualTo(PeerProfile.TONGSUO);
  }

  @ParameterizedTest
  @EnumSource(PeerProfile.class)
  void aSignatureThatFitsNeitherFormIsRefusedWithDecryptError(PeerProfile form) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).build();
    EnginePair pair = EnginePair.of(TestPki.client().peerProfile(form).build(), server);
    // Flip a bit inside s of the DER signature (the last byte): still DER, no longer valid.
    pair.client.outboundTamper = EnginePair.rewriteHandshake(m -> {
      if ((m[0] & 0xff) == HandshakeType.CERTIFICATE_VERIFY) {
        byte[] t = m.clone();
        t[t.length - 1] ^= 1;
        return t;
      }
      return m;
    });
    pair.handshake();
    assertThat(pair.server.raisedAlert()).isEqualTo(Alert.DECRYPT_ERROR);
    assertThat(pair.client.receivedAlert()).isEqualTo(Alert.DECRYPT_ERROR);
  }

  // ------------------------------------------------------------------ helpers

  /** The client's CertificateVerify signature and the messages it covers, read off the wire. */
  record Captured(byte[] messagesBeforeVerify, byte[] signature) {
  }

  private static Captured handshake(PeerProfile form, TlcpCipherSuite suite) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).cipherSuites(TestPki.only(suite)).build();
    TlcpContext client = TestPki.client().peerProfile(form).build();
    EnginePair pair = EnginePair.of(client, server);
    ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    pair.server.outboundTamper = chunk -> {
      fromServer.writeBytes(chunk);
      return chunk;
    };
    pair.client.outboundTamper = chunk -> {
      fromClient.writeBytes(chunk);
      return chunk;
    };
    pair.handshake();
    assertThat(pair.server.error).isNull();
    assertThat(pair.client.finishedCount).isEqualTo(1);
    assertThat(pair.server.finishedCount).isEqualTo(1);

    List<byte[]> clientMessages = plaintextMessages(fromClient.toByteArray());
    List<byte[]> serverMessages = plaintextMessages(fromServer.toByteArray());
    ByteArrayOutputStream before = new ByteArrayOutputStream();
    before.writeBytes(clientMessages.get(0));
    serverMessages.stream().filter(m -> (m[0] & 0xff) != HandshakeType.NEW_SESSION_TICKET).forEach(before::writeBytes);
    byte[] verify = null;
    for (byte[] m : clientMessages.subList(1, clientMessages.size())) {
      if ((m[0] & 0xff) == HandshakeType.CERTIFICATE_VERIFY) {
        verify = m;
        break;
      }
      before.writeBytes(m);
    }
    assertThat(verify).as("client CertificateVerify").isNotNull();
    int sigLength = ((verify[4] & 0xff) << 8) | (verify[5] & 0xff);
    return new Captured(before.toByteArray(), Arrays.copyOfRange(verify, 6, 6 + sigLength));
  }

  /** Handshake messages of one direction before its ChangeCipherSpec. */
  static List<byte[]> plaintextMessages(byte[] stream) {
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    for (byte[] r : EnginePair.records(stream)) {
      if (r[0] == ContentType.CHANGE_CIPHER_SPEC) {
        break;
      }
      if (r[0] == ContentType.HANDSHAKE) {
        hs.write(r, ContentType.HEADER, r.length - ContentType.HEADER);
      }
    }
    byte[] all = hs.toByteArray();
    List<byte[]> out = new ArrayList<>();
    for (int p = 0; p < all.length; ) {
      int len = ((all[p + 1] & 0xff) << 16) | ((all[p + 2] & 0xff) << 8) | (all[p + 3] & 0xff);
      out.add(Arrays.copyOfRange(all, p, p + 4 + len));
      p += 4 + len;
    }
    return out;
  }

  private static byte[] sm3(byte[] data) {
    Transcript t = new Transcript(new BcTlcpCrypto());
    t.add(data);
    return t.hash();
  }

  /** Whether OpenSSL 3 accepts {@code signature} over {@code data} for the vehicle's signing certificate. */
  private boolean opensslVerifies(byte[] data, byte[] signature) throws Exception {
    Path cert = dir.resolve("client_sign.crt");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(TestPki.PKI.vehicles().get(0).sign().certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Path in = Files.write(dir.resolve("data"), data);
    Path sig = Files.write(dir.resolve("sig"), signature);
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678", "-certin", "-inkey", cert.toString(),
        "-in", in.toString(), "-sigfile", sig.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    // Exit 0 with "Verified Successfully", or exit 1 with "Verification Failure": anything else
    // (no openssl, no SM2 support) is not an answer and fails the test.
    if (rc == 0 && out.contains("Signature Verified Successfully")) {
      return true;
    }
    if (rc == 1 && out.contains("Signature Verification Failure")) {
      return false;
    }
    throw new AssertionError("openssl gave no verdict (exit " + rc + "): " + out);
  }
}
