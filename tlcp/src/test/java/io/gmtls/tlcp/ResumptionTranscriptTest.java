package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.RecordedSession.Message;
import io.gmtls.tlcp.RecordedSession.Record;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.handshake.KeySchedule;
import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.Extension;
import io.gmtls.tlcp.message.Finished;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.message.NewSessionTicket;
import io.gmtls.tlcp.message.ServerHello;
import io.gmtls.tlcp.record.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The two Tongsuo resumption recordings: by session ticket and by session ID. */
class ResumptionTranscriptTest {

  private static final TlcpCipherSuite SUITE = TlcpCipherSuite.ECC_SM4_GCM_SM3;

  @Test
  void ticketResumption() throws Exception {
    JsonNode json = Interop.json("resume_ticket.json");
    JsonNode first = json.get("connections").get(0);
    RecordedSession full = session(first);
    NewSessionTicket ticket = TongsuoTranscriptTest.checkFullHandshake(full, SUITE, master(first),
        Interop.hex(first.get("keylog").get("client_random")),
        first.get("application_data").get("client_to_server").asString(),
        first.get("application_data").get("server_to_client").asString());
    assertThat(ticket).isNotNull();
    assertThat(ticket.lifetimeHint()).isEqualTo(7200);
    ServerHello fullHello = ServerHello.parse(full.server(HandshakeType.SERVER_HELLO).body());
    assertThat(fullHello.sessionId()).as("server issuing a ticket sends no session ID").isEmpty();

    JsonNode second = json.get("connections").get(1);
    RecordedSession resumed = session(second);
    ClientHello hello = ClientHello.parse(resumed.client(HandshakeType.CLIENT_HELLO).body());
    assertThat(Extension.find(hello.extensions(), Extension.SESSION_TICKET).data())
        .isEqualTo(ticket.ticket());
    assertThat(hello.sessionId()).hasSize(32);
    checkAbbreviated(resumed, second, hello);
  }

  @Test
  void sessionIdResumption() throws Exception {
    JsonNode json = Interop.json("resume_id.json");
    JsonNode first = json.get("connections").get(0);
    RecordedSession full = session(first);
    TongsuoTranscriptTest.checkFullHandshake(full, SUITE, master(first),
        Interop.hex(first.get("keylog").get("client_random")),
        first.get("application_data").get("client_to_server").asString(),
        first.get("application_data").get("server_to_client").asString());
    ServerHello fullHello = ServerHello.parse(full.server(HandshakeType.SERVER_HELLO).body());
    assertThat(fullHello.sessionId()).hasSize(32);

    JsonNode second = json.get("connections").get(1);
    RecordedSession resumed = session(second);
    ClientHello hello = ClientHello.parse(resumed.client(HandshakeType.CLIENT_HELLO).body());
    assertThat(hello.sessionId()).isEqualTo(fullHello.sessionId());
    checkAbbreviated(resumed, second, hello);
  }

  private static void checkAbbreviated(RecordedSession s, JsonNode connection, ClientHello hello)
      throws Exception {
    byte[] master = master(connection);
    assertThat(master).isEqualTo(master(connection));
    // Abbreviated: the server sends ServerHello only, then ChangeCipherSpec and Finished.
    assertThat(s.serverMessages).extracting(Message::type).containsExactly(HandshakeType.SERVER_HELLO);
    assertThat(s.clientMessages).extracting(Message::type).containsExactly(HandshakeType.CLIENT_HELLO);
    ServerHello sh = ServerHello.parse(s.server(HandshakeType.SERVER_HELLO).body());
    assertThat(sh.sessionId()).as("server echoes the session ID when resuming").isEqualTo(hello.sessionId());
    assertThat(sh.cipherSuite()).isEqualTo(SUITE.id());

    KeySchedule.Protections keys = RecordedSession.keys(SUITE, master, hello.random(), sh.random());
    List<Record> fromServer = RecordedSession.open(keys.serverWrite(), s.serverProtected);
    List<Record> fromClient = RecordedSession.open(keys.clientWrite(), s.clientProtected);
    BcTlcpCrypto crypto = new BcTlcpCrypto();

    List<Message> order = new ArrayList<>(List.of(s.client(HandshakeType.CLIENT_HELLO),
        s.server(HandshakeType.SERVER_HELLO)));
    Finished serverFinished = Finished.parse(
        TongsuoTranscriptTest.handshakeBody(fromServer.get(0), HandshakeType.FINISHED));
    assertThat(serverFinished.verifyData())
        .isEqualTo(KeySchedule.verifyData(crypto.hmacSm3(master), false,
            RecordedSession.hash(order)));
    order.add(new Message(HandshakeType.FINISHED, fromServer.get(0).fragment(), serverFinished.body(), false));
    Finished clientFinished = Finished.parse(
        TongsuoTranscriptTest.handshakeBody(fromClient.get(0), HandshakeType.FINISHED));
    assertThat(clientFinished.verifyData())
        .isEqualTo(KeySchedule.verifyData(crypto.hmacSm3(master), true,
            RecordedSession.hash(order)));

    StringBuilder text = new StringBuilder();
    for (Record r : fromClient) {
      if (r.type() == ContentType.APPLICATION_DATA) {
        text.append(new String(r.fragment(), StandardCharsets.UTF_8));
      }
    }
    assertThat(text.toString()).isEqualTo(connection.get("application_data").get("client_to_server").asString());
  }

  private static RecordedSession session(JsonNode connection) {
    return new RecordedSession(Interop.hex(connection.get("client_to_server_hex")),
        Interop.hex(connection.get("server_to_client_hex")));
  }

  private static byte[] master(JsonNode connection) {
    return Interop.hex(connection.get("keylog").get("master_secret"));
  }
}
