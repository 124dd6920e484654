package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.RecordedSession.Message;
import io.gmtls.tlcp.RecordedSession.Record;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.handshake.EccKeyExchange;
import io.gmtls.tlcp.handshake.KeySchedule;
import io.gmtls.tlcp.message.CertificateMessage;
import io.gmtls.tlcp.message.CertificateRequest;
import io.gmtls.tlcp.message.CertificateVerify;
import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.ClientKeyExchange;
import io.gmtls.tlcp.message.EcdhParams;
import io.gmtls.tlcp.message.Finished;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.message.ServerHello;
import io.gmtls.tlcp.message.ServerHelloDone;
import io.gmtls.tlcp.message.ServerKeyExchange;
import io.gmtls.tlcp.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Checks our parsers, signatures, key exchange, key schedule and record protection against the
 * four GmSSL 3 sessions in the test resources {@code interop/tlcp-gmssl} (README there), the way
 * {@link TongsuoTranscriptTest} does for Tongsuo's. GmSSL keeps no key log: for the ECC suites the
 * pre-master secret comes from decrypting the ClientKeyExchange with the recorded server
 * encryption key; the ECDHE sessions are checked up to the signatures.
 */
class GmsslTranscriptTest {

  private static final TlcpCrypto CRYPTO = new BcTlcpCrypto();
  private static final String CLIENT_TEXT = "CLIENT-HELLO-FROM-GMSSL\n";

  /** The first server flight as every TLCP peer we know frames it: one message per record. */
  static final List<List<Integer>> SERVER_FLIGHT_SHAPE = List.of(
      List.of(HandshakeType.SERVER_HELLO), List.of(HandshakeType.CERTIFICATE),
      List.of(HandshakeType.SERVER_KEY_EXCHANGE), List.of(HandshakeType.CERTIFICATE_REQUEST),
      List.of(HandshakeType.SERVER_HELLO_DONE));

  @ParameterizedTest
  @CsvSource({"ecc_sm4_cbc_sm3.json, ECC_SM4_CBC_SM3", "ecc_sm4_gcm_sm3.json, ECC_SM4_GCM_SM3",
      "ecdhe_sm4_cbc_sm3.json, ECDHE_SM4_CBC_SM3", "ecdhe_sm4_gcm_sm3.json, ECDHE_SM4_GCM_SM3"})
  void fullHandshakeMatchesRecording(String file, TlcpCipherSuite suite) throws Exception {
    JsonNode json = Interop.json(Interop.GMSSL_DIR, file);
    byte[] c2s = Interop.hex(json.get("client_to_server_hex"));
    byte[] s2c = Interop.hex(json.get("server_to_client_hex"));
    RecordedSession s = new RecordedSession(c2s, s2c);
    boolean ecdhe = suite.keyExchange() == TlcpCipherSuite.KeyExchange.ECDHE;

    // --- framing: one handshake message per record, both directions
    assertThat(firstFlight(RecordFramingTest.framing(s2c))).isEqualTo(SERVER_FLIGHT_SHAPE);
    assertThat(RecordFramingTest.framing(s2c)).allMatch(RecordFramingTest.Framed::exactlyOne);
    assertThat(RecordFramingTest.framing(c2s)).allMatch(RecordFramingTest.Framed::exactlyOne);

    // --- every message parses and re-encodes to the same bytes
    ClientHello ch = ClientHello.parse(s.client(HandshakeType.CLIENT_HELLO).body());
    assertThat(ch.encode()).isEqualTo(s.client(HandshakeType.CLIENT_HELLO).encoded());
    assertThat(ch.version()).isEqualTo(0x0101);
    assertThat(ch.cipherSuites()).containsExactly(suite.id());
    ServerHello sh = ServerHello.parse(s.server(HandshakeType.SERVER_HELLO).body());
    assertThat(sh.encode()).isEqualTo(s.server(HandshakeType.SERVER_HELLO).encoded());
    assertThat(sh.cipherSuite()).isEqualTo(suite.id());

    CertificateMessage serverCerts = CertificateMessage.parse(s.server(HandshakeType.CERTIFICATE).body());
    assertThat(serverCerts.encode()).isEqualTo(s.server(HandshakeType.CERTIFICATE).encoded());
    // GmSSL's server sends its two certificates and no CA.
    assertThat(serverCerts.certificates()).containsExactly(cert("server_sign.crt"), cert("server_enc.crt"));

    ServerKeyExchange ske = ServerKeyExchange.parse(s.server(HandshakeType.SERVER_KEY_EXCHANGE).body(),
        suite.keyExchange());
    assertThat(ske.encode()).isEqualTo(s.server(HandshakeType.SERVER_KEY_EXCHANGE).encoded());
    CertificateRequest cr = CertificateRequest.parse(s.server(HandshakeType.CERTIFICATE_REQUEST).body());
    assertThat(cr.encode()).isEqualTo(s.server(HandshakeType.CERTIFICATE_REQUEST).encoded());
    assertThat(cr.authorities()).hasSize(1);
    ServerHelloDone.parse(s.server(HandshakeType.SERVER_HELLO_DONE).body());

    CertificateMessage clientCerts = CertificateMessage.parse(s.client(HandshakeType.CERTIFICATE).body());
    assertThat(clientCerts.encode()).isEqualTo(s.client(HandshakeType.CERTIFICATE).encoded());
    if (ecdhe) {
      assertThat(clientCerts.certificates()).containsExactly(cert("client_sign.crt"), cert("client_enc.crt"));
    } else {
      assertThat(clientCerts.certificates()).containsExactly(cert("client_sign.crt"));
    }
    ClientKeyExchange cke = ClientKeyExchange.parse(s.client(HandshakeType.CLIENT_KEY_EXCHANGE).body(),
        suite.keyExchange());
    assertThat(cke.encode()).isEqualTo(s.client(HandshakeType.CLIENT_KEY_EXCHANGE).encoded());
    CertificateVerify cv = CertificateVerify.parse(s.client(HandshakeType.CERTIFICATE_VERIFY).body());
    assertThat(cv.encode()).isEqualTo(s.client(HandshakeType.CERTIFICATE_VERIFY).encoded());

    // --- ServerKeyExchange: the same construction as Tongsuo's
    byte[] params = ecdhe ? EcdhParams.encode(ske.ecdhPoint())
        : ServerKeyExchange.eccParams(serverCerts.certificates().get(1));
    Sm2PublicKey serverSign = publicKey("server_sign.crt");
    assertThat(CRYPTO.sm2Verify(serverSign, ServerKeyExchange.signedData(ch.random(), sh.random(), params),
        ske.signature())).isTrue();
    assertThat(CRYPTO.sm2Verify(serverSign, ServerKeyExchange.signedData(sh.random(), ch.random(), params),
        ske.signature())).isFalse();

    // --- CertificateVerify in GmSSL's form: over the raw messages, not over their SM3 hash
    List<Message> order = s.fullHandshakeOrder();
    List<Message> beforeVerify = order.subList(0, indexOf(order, HandshakeType.CERTIFICATE_VERIFY));
    Sm2PublicKey clientSign = publicKey("client_sign.crt");
    assertThat(CRYPTO.sm2Verify(clientSign, concat(beforeVerify), cv.signature())).isTrue();
    assertThat(CRYPTO.sm2Verify(clientSign, RecordedSession.hash(beforeVerify), cv.signature())).isFalse();

    if (ecdhe) {
      return; // no key log, and the ephemeral keys are gone: nothing to decrypt with
    }
    // --- ECC: pre-master from the recorded server encryption key, then keys, Finished, data
    byte[] pms = EccKeyExchange.server(CRYPTO, CRYPTO.sm2PrivateKey(Interop.key(Interop.GMSSL_DIR, "server_enc.key")),
        cke.value());
    assertThat(pms).hasSize(48).startsWith(1, 1);
    byte[] master = KeySchedule.masterSecret(CRYPTO, pms, ch.random(), sh.random());
    KeySchedule.Protections keys = RecordedSession.keys(suite, master, ch.random(), sh.random());
    List<Record> fromClient = RecordedSession.open(keys.clientWrite(), s.clientProtected);
    List<Record> fromServer = RecordedSession.open(keys.serverWrite(), s.serverProtected);

    Finished clientFinished = Finished.parse(TongsuoTranscriptTest.handshakeBody(fromClient.get(0), HandshakeType.FINISHED));
    assertThat(clientFinished.verifyData())
        .isEqualTo(KeySchedule.verifyData(CRYPTO.hmacSm3(master), true,
            RecordedSession.hash(order)));
    List<Message> serverFinishedOrder = new ArrayList<>(order);
    serverFinishedOrder.add(new Message(HandshakeType.FINISHED, fromClient.get(0).fragment(),
        clientFinished.body(), true));
    Finished serverFinished = Finished.parse(TongsuoTranscriptTest.handshakeBody(fromServer.get(0), HandshakeType.FINISHED));
    assertThat(serverFinished.verifyData()).isEqualTo(
        KeySchedule.verifyData(CRYPTO.hmacSm3(master), false,
            RecordedSession.hash(serverFinishedOrder)));

    assertThat(fromClient.get(1).type()).isEqualTo(ContentType.APPLICATION_DATA);
    assertThat(new String(fromClient.get(1).fragment(), StandardCharsets.UTF_8)).isEqualTo(CLIENT_TEXT);
    Record last = fromClient.get(fromClient.size() - 1);
    assertThat(last.type()).isEqualTo(ContentType.ALERT);
    assertThat(last.fragment()).containsExactly(Alert.LEVEL_WARNING, Alert.CLOSE_NOTIFY.code());
  }

  /** Tongsuo frames its first server flight the same way (the shape our engine now produces too). */
  @ParameterizedTest
  @CsvSource({"ecc_sm4_cbc_sm3.json", "ecc_sm4_gcm_sm3.json", "ecdhe_sm4_cbc_sm3.json", "ecdhe_sm4_gcm_sm3.json"})
  void tongsuoServerFlightHasTheSameShape(String file) throws Exception {
    byte[] s2c = Interop.hex(Interop.json(file).get("server_to_client_hex"));
    assertThat(firstFlight(RecordFramingTest.framing(s2c))).isEqualTo(SERVER_FLIGHT_SHAPE);
    byte[] c2s = Interop.hex(Interop.json(file).get("client_to_server_hex"));
    assertThat(RecordFramingTest.framing(c2s)).allMatch(RecordFramingTest.Framed::exactlyOne);
  }

  /** The records up to and including ServerHelloDone, as lists of message types. */
  static List<List<Integer>> firstFlight(List<RecordFramingTest.Framed> framing) {
    List<List<Integer>> out = new ArrayList<>();
    for (RecordFramingTest.Framed f : framing) {
      out.add(f.messageTypes());
      if (f.messageTypes().contains(HandshakeType.SERVER_HELLO_DONE)) {
        break;
      }
    }
    return out;
  }

  static byte[] concat(List<Message> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    messages.forEach(m -> out.writeBytes(m.encoded()));
    return out.toByteArray();
  }

  private static int indexOf(List<Message> order, int type) {
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).type() == type && order.get(i).fromClient()) {
        return i;
      }
    }
    throw new AssertionError("no message " + type);
  }

  private static byte[] cert(String name) throws Exception {
    return Interop.cert(Interop.GMSSL_DIR, name).getEncoded();
  }

  private static Sm2PublicKey publicKey(String certFile) throws Exception {
    return CRYPTO.sm2PublicKey(Interop.cert(Interop.GMSSL_DIR, certFile).getPublicKey().getEncoded());
  }
}
