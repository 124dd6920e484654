package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.handshake.KeySchedule;
import io.gmtls.tlcp.handshake.Transcript;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;
import io.gmtls.tlcp.record.RecordProtection;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Walks one recorded TLCP connection: splits both directions into records, the plaintext part
 * into handshake messages (in the order they were sent, interleaved the way the protocol orders
 * them), and decrypts the protected part with keys derived from the recorded master secret.
 */
final class RecordedSession {

  record Record(int type, int version, byte[] fragment) {
  }

  record Message(int type, byte[] encoded, byte[] body, boolean fromClient) {
  }

  static final TlcpCrypto CRYPTO = new BcTlcpCrypto();

  final List<Record> clientRecords;
  final List<Record> serverRecords;
  final List<Message> clientMessages = new ArrayList<>();
  final List<Message> serverMessages = new ArrayList<>();
  final List<Record> clientProtected = new ArrayList<>();
  final List<Record> serverProtected = new ArrayList<>();

  RecordedSession(byte[] clientToServer, byte[] serverToClient) {
    clientRecords = split(clientToServer);
    serverRecords = split(serverToClient);
    collect(clientRecords, clientMessages, clientProtected, true);
    collect(serverRecords, serverMessages, serverProtected, false);
  }

  static List<Record> split(byte[] stream) {
    List<Record> out = new ArrayList<>();
    int p = 0;
    while (p < stream.length) {
      int type = stream[p] & 0xff;
      int version = ((stream[p + 1] & 0xff) << 8) | (stream[p + 2] & 0xff);
      int len = ((stream[p + 3] & 0xff) << 8) | (stream[p + 4] & 0xff);
      out.add(new Record(type, version, Arrays.copyOfRange(stream, p + 5, p + 5 + len)));
      p += 5 + len;
    }
    assertThat(p).isEqualTo(stream.length);
    return out;
  }

  private static void collect(List<Record> records, List<Message> messages, List<Record> protectedRecords,
      boolean fromClient) {
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    boolean encrypted = false;
    for (Record r : records) {
      assertThat(r.version).isEqualTo(ContentType.VERSION);
      if (encrypted) {
        protectedRecords.add(r);
      } else if (r.type == ContentType.CHANGE_CIPHER_SPEC) {
        assertThat(r.fragment).containsExactly(1);
        encrypted = true;
      } else {
        assertThat(r.type).isEqualTo(ContentType.HANDSHAKE);
        hs.writeBytes(r.fragment);
      }
    }
    byte[] all = hs.toByteArray();
    int p = 0;
    while (p < all.length) {
      int len = ((all[p + 1] & 0xff) << 16) | ((all[p + 2] & 0xff) << 8) | (all[p + 3] & 0xff);
      messages.add(new Message(all[p] & 0xff, Arrays.copyOfRange(all, p, p + 4 + len),
          Arrays.copyOfRange(all, p + 4, p + 4 + len), fromClient));
      p += 4 + len;
    }
  }

  Message client(int type) {
    return clientMessages.stream().filter(m -> m.type == type).findFirst().orElseThrow();
  }

  Message server(int type) {
    return serverMessages.stream().filter(m -> m.type == type).findFirst().orElseThrow();
  }

  boolean hasServer(int type) {
    return serverMessages.stream().anyMatch(m -> m.type == type);
  }

  /** SM3 over the given messages' encodings, in order. */
  static byte[] hash(List<Message> messages) {
    Transcript t = new Transcript(CRYPTO);
    for (Message m : messages) {
      t.add(m.encoded);
    }
    return t.hash();
  }

  /** Full handshake order: the client's first flight follows ServerHelloDone. */
  List<Message> fullHandshakeOrder() {
    List<Message> order = new ArrayList<>();
    order.add(client(HandshakeType.CLIENT_HELLO));
    for (Message m : serverMessages) {
      if (m.type != HandshakeType.NEW_SESSION_TICKET) {
        order.add(m);
      }
    }
    order.addAll(clientMessages.subList(1, clientMessages.size()));
    return order;
  }

  /** Decrypts protected records of one direction; returns plaintexts (type, bytes). */
  static List<Record> open(RecordProtection protection, List<Record> records) throws TlcpAlertException {
    List<Record> out = new ArrayList<>();
    for (Record r : records) {
      byte[] buf = r.fragment.clone();
      int n = protection.open(r.type, buf, 0, buf.length);
      out.add(new Record(r.type, r.version,
          Arrays.copyOfRange(buf, protection.prefix(), protection.prefix() + n)));
    }
    return out;
  }

  static KeySchedule.Protections keys(TlcpCipherSuite suite, byte[] master, byte[] clientRandom,
      byte[] serverRandom) {
    return KeySchedule.protections(CRYPTO, suite, CRYPTO.hmacSm3(master), clientRandom, serverRandom);
  }
}
