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
import io.gmtls.tlcp.message.Extension;
import io.gmtls.tlcp.message.Finished;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.message.NewSessionTicket;
import io.gmtls.tlcp.message.ServerHello;
import io.gmtls.tlcp.message.ServerHelloDone;
import io.gmtls.tlcp.message.ServerKeyExchange;
import io.gmtls.tlcp.record.ContentType;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Checks our parsers, signatures, key exchange, key schedule and record protection against the
 * four byte-exact Tongsuo sessions in the test resources {@code interop/tlcp}.
 */
class TongsuoTranscriptTest {

  private static final TlcpCrypto CRYPTO = new BcTlcpCrypto();

  @ParameterizedTest
  @CsvSource({"ecc_sm4_cbc_sm3.json, ECC_SM4_CBC_SM3", "ecc_sm4_gcm_sm3.json, ECC_SM4_GCM_SM3",
      "ecdhe_sm4_cbc_sm3.json, ECDHE_SM4_CBC_SM3", "ecdhe_sm4_gcm_sm3.json, ECDHE_SM4_GCM_SM3"})
  void fullHandshakeMatchesRecording(String file, TlcpCipherSuite suite) throws Exception {
    JsonNode json = Interop.json(file);
    RecordedSession s = new RecordedSession(Interop.hex(json.get("client_to_server_hex")),
        Interop.hex(json.get("server_to_client_hex")));
    byte[] master = Interop.hex(json.get("keylog").get("master_secret"));
    NewSessionTicket ticket = checkFullHandshake(s, suite, master, Interop.hex(json.get("keylog").get("client_random")),
        json.get("application_data").get("client_to_server").asString(),
        json.get("application_data").get("server_to_client").asString());
    assertThat(ticket).as("Tongsuo's server issues a ticket").isNotNull();
    assertThat(ClientHello.parse(s.client(HandshakeType.CLIENT_HELLO).body()).extensions())
        .extracting(Extension::type).containsExactly(Extension.SESSION_TICKET);
  }

  /** Every check of a full mutual-auth handshake; returns the NewSessionTicket if sent. */
  static NewSessionTicket checkFullHandshake(RecordedSession s, TlcpCipherSuite suite, byte[] master,
      byte[] recordedClientRandom, String clientText, String serverText) throws Exception {
    // --- messages of both directions parse, and re-encode to the same bytes
    ClientHello ch = ClientHello.parse(s.client(HandshakeType.CLIENT_HELLO).body());
    assertThat(ch.encode()).isEqualTo(s.client(HandshakeType.CLIENT_HELLO).encoded());
    assertThat(ch.version()).isEqualTo(0x0101);
    assertThat(ch.random()).isEqualTo(recordedClientRandom);
    assertThat(ch.cipherSuites()).containsExactly(suite.id(), 0x00FF);
    assertThat(ch.extensions()).allMatch(e -> e.type() == Extension.SESSION_TICKET);

    ServerHello sh = ServerHello.parse(s.server(HandshakeType.SERVER_HELLO).body());
    assertThat(sh.encode()).isEqualTo(s.server(HandshakeType.SERVER_HELLO).encoded());
    assertThat(sh.cipherSuite()).isEqualTo(suite.id());

    CertificateMessage serverCerts = CertificateMessage.parse(s.server(HandshakeType.CERTIFICATE).body());
    assertThat(serverCerts.encode()).isEqualTo(s.server(HandshakeType.CERTIFICATE).encoded());
    assertThat(serverCerts.certificates()).hasSize(3);
    assertThat(serverCerts.certificates().get(0)).isEqualTo(Interop.cert("server_sign.crt").getEncoded());
    assertThat(serverCerts.certificates().get(1)).isEqualTo(Interop.cert("server_enc.crt").getEncoded());

    ServerKeyExchange ske = ServerKeyExchange.parse(s.server(HandshakeType.SERVER_KEY_EXCHANGE).body(),
        suite.keyExchange());
    assertThat(ske.encode()).isEqualTo(s.server(HandshakeType.SERVER_KEY_EXCHANGE).encoded());
    CertificateRequest cr = CertificateRequest.parse(s.server(HandshakeType.CERTIFICATE_REQUEST).body());
    assertThat(cr.encode()).isEqualTo(s.server(HandshakeType.CERTIFICATE_REQUEST).encoded());
    assertThat(cr.authorities()).hasSize(1);
    ServerHelloDone.parse(s.server(HandshakeType.SERVER_HELLO_DONE).body());

    CertificateMessage clientCerts = CertificateMessage.parse(s.client(HandshakeType.CERTIFICATE).body());
    assertThat(clientCerts.certificates().get(0)).isEqualTo(Interop.cert("client_sign.crt").getEncoded());
    assertThat(clientCerts.certificates().get(1)).isEqualTo(Interop.cert("client_enc.crt").getEncoded());
    ClientKeyExchange cke = ClientKeyExchange.parse(s.client(HandshakeType.CLIENT_KEY_EXCHANGE).body(),
        suite.keyExchange());
    assertThat(cke.encode()).isEqualTo(s.client(HandshakeType.CLIENT_KEY_EXCHANGE).encoded());
    CertificateVerify cv = CertificateVerify.parse(s.client(HandshakeType.CERTIFICATE_VERIFY).body());
    assertThat(cv.encode()).isEqualTo(s.client(HandshakeType.CERTIFICATE_VERIFY).encoded());

    // --- ServerKeyExchange signature by the server signing key
    byte[] params = suite.keyExchange() == TlcpCipherSuite.KeyExchange.ECDHE
        ? EcdhParams.encode(ske.ecdhPoint())
        : ServerKeyExchange.eccParams(serverCerts.certificates().get(1));
    Sm2PublicKey serverSign = publicKey("server_sign.crt");
    assertThat(CRYPTO.sm2Verify(serverSign, ServerKeyExchange.signedData(ch.random(), sh.random(), params),
        ske.signature())).isTrue();
    // and not over anything else (the signature really is checked)
    assertThat(CRYPTO.sm2Verify(serverSign, ServerKeyExchange.signedData(sh.random(), ch.random(), params),
        ske.signature())).isFalse();

    // --- CertificateVerify by the client signing key over SM3(handshake messages before it)
    List<Message> order = s.fullHandshakeOrder();
    int cvIndex = indexOf(order, HandshakeType.CERTIFICATE_VERIFY, true);
    byte[] cvHash = RecordedSession.hash(order.subList(0, cvIndex));
    assertThat(CRYPTO.sm2Verify(publicKey("client_sign.crt"), cvHash, cv.signature())).isTrue();

    // --- ECC: the server encryption key decrypts the pre-master secret, giving the master secret
    if (suite.keyExchange() == TlcpCipherSuite.KeyExchange.ECC) {
      byte[] pms = EccKeyExchange.server(CRYPTO, CRYPTO.sm2PrivateKey(Interop.key("server_enc.key")),
          cke.value());
      assertThat(pms).hasSize(48).startsWith(1, 1);
      assertThat(KeySchedule.masterSecret(CRYPTO, pms, ch.random(), sh.random())).isEqualTo(master);
    }

    // --- records: Finished both ways, application data, close_notify
    KeySchedule.Protections keys = RecordedSession.keys(suite, master, ch.random(), sh.random());
    List<Record> fromClient = RecordedSession.open(keys.clientWrite(), s.clientProtected);
    List<Record> fromServer = RecordedSession.open(keys.serverWrite(), s.serverProtected);

    Finished clientFinished = Finished.parse(handshakeBody(fromClient.get(0), HandshakeType.FINISHED));
    byte[] clientFinishedHash = RecordedSession.hash(order);
    assertThat(clientFinished.verifyData())
        .isEqualTo(KeySchedule.verifyData(CRYPTO.hmacSm3(master), true, clientFinishedHash));

    List<Message> serverFinishedOrder = new ArrayList<>(order);
    serverFinishedOrder.add(new Message(HandshakeType.FINISHED, fromClient.get(0).fragment(),
        clientFinished.body(), true));
    NewSessionTicket ticket = null;
    if (s.hasServer(HandshakeType.NEW_SESSION_TICKET)) {
      Message nst = s.server(HandshakeType.NEW_SESSION_TICKET);
      ticket = NewSessionTicket.parse(nst.body());
      assertThat(ticket.encode()).isEqualTo(nst.encoded());
      serverFinishedOrder.add(nst);
    }
    Finished serverFinished = Finished.parse(handshakeBody(fromServer.get(0), HandshakeType.FINISHED));
    assertThat(serverFinished.verifyData()).isEqualTo(
        KeySchedule.verifyData(CRYPTO.hmacSm3(master), false,
            RecordedSession.hash(serverFinishedOrder)));

    assertThat(applicationText(fromClient)).isEqualTo(clientText);
    // The resumption recordings' servers sent a second line the JSON does not list.
    assertThat(applicationText(fromServer)).startsWith(serverText);
    Record last = fromClient.get(fromClient.size() - 1);
    assertThat(last.type()).isEqualTo(ContentType.ALERT);
    assertThat(last.fragment()).containsExactly(Alert.LEVEL_WARNING, Alert.CLOSE_NOTIFY.code());
    return ticket;
  }

  static byte[] handshakeBody(Record r, int expectedType) {
    assertThat(r.type()).isEqualTo(ContentType.HANDSHAKE);
    assertThat(r.fragment()[0] & 0xff).isEqualTo(expectedType);
    return java.util.Arrays.copyOfRange(r.fragment(), 4, r.fragment().length);
  }

  /** Concatenated application data; Tongsuo sends an empty record before each non-empty one. */
  static String applicationText(List<Record> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int empty = 0;
    for (Record r : records) {
      if (r.type() == ContentType.APPLICATION_DATA) {
        empty += r.fragment().length == 0 ? 1 : 0;
        out.writeBytes(r.fragment());
      }
    }
    assertThat(empty).as("empty application records").isPositive();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int indexOf(List<Message> order, int type, boolean fromClient) {
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).type() == type && order.get(i).fromClient() == fromClient) {
        return i;
      }
    }
    throw new AssertionError("no message " + type);
  }

  static Sm2PublicKey publicKey(String certFile) throws Exception {
    return CRYPTO.sm2PublicKey(Interop.cert(certFile).getPublicKey().getEncoded());
  }
}
