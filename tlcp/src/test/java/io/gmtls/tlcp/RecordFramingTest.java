package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Record framing of our engines: every handshake message we send fills a record of its own (GmSSL
 * refuses anything else, Tongsuo does the same), in every flight of both roles; and what we accept
 * stays liberal: messages coalesced into one record, or cut into many small records.
 */
class RecordFramingTest {

  /** A plaintext handshake record of a flight, and the message types it holds. */
  record Framed(int contentType, List<Integer> messageTypes, boolean exactlyOne) {
  }

  @ParameterizedTest
  @EnumSource(TlcpCipherSuite.class)
  void everyHandshakeMessageHasARecordOfItsOwn(TlcpCipherSuite suite) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).cipherSuites(TestPki.only(suite))
        .ticketKeys(TicketKeySet.generate()).build();
    TlcpContext client = TestPki.client().build();
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
    assertThat(pair.client.finishedCount).isEqualTo(1);
    assertThat(pair.server.finishedCount).isEqualTo(1);

    List<Framed> serverFlight = framing(fromServer.toByteArray());
    assertThat(serverFlight).extracting(Framed::messageTypes).containsExactly(
        List.of(HandshakeType.SERVER_HELLO), List.of(HandshakeType.CERTIFICATE),
        List.of(HandshakeType.SERVER_KEY_EXCHANGE), List.of(HandshakeType.CERTIFICATE_REQUEST),
        List.of(HandshakeType.SERVER_HELLO_DONE), List.of(HandshakeType.NEW_SESSION_TICKET),
        List.of(-ContentType.CHANGE_CIPHER_SPEC), List.of(-ContentType.HANDSHAKE));
    assertThat(serverFlight).allMatch(Framed::exactlyOne);

    List<Framed> clientFlight = framing(fromClient.toByteArray());
    assertThat(clientFlight).extracting(Framed::messageTypes).containsExactly(
        List.of(HandshakeType.CLIENT_HELLO), List.of(HandshakeType.CERTIFICATE),
        List.of(HandshakeType.CLIENT_KEY_EXCHANGE), List.of(HandshakeType.CERTIFICATE_VERIFY),
        List.of(-ContentType.CHANGE_CIPHER_SPEC), List.of(-ContentType.HANDSHAKE));
    assertThat(clientFlight).allMatch(Framed::exactlyOne);
  }

  @ParameterizedTest
  @EnumSource(TlcpCipherSuite.class)
  void coalescedAndFragmentedMessagesAreStillAccepted(TlcpCipherSuite suite) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).cipherSuites(TestPki.only(suite)).build();
    EnginePair pair = EnginePair.of(TestPki.client().build(), server);
    // The server's first flight comes in one record; the client's ClientHello in 7-byte records and
    // its second flight (Certificate, ClientKeyExchange, CertificateVerify) in one record.
    pair.server.outboundTamper = RecordFramingTest::coalescePlaintextHandshake;
    boolean[] helloSeen = {false};
    pair.client.outboundTamper = chunk -> {
      if (!helloSeen[0]) {
        helloSeen[0] = true;
        return fragment(chunk, 7);
      }
      return coalescePlaintextHandshake(chunk);
    };
    pair.handshake();
    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
    assertThat(pair.client.finishedCount).isEqualTo(1);
    assertThat(pair.server.finishedCount).isEqualTo(1);
  }

  /**
   * wrap() as Netty's SslHandler and the JSSE socket call it: a destination of the session's packet
   * buffer size takes the whole flight (several records) in one call; a destination with room for one
   * record takes one record per call, never a cut record; a destination too small for the next record
   * gets BUFFER_OVERFLOW and nothing.
   */
  @Test
  void wrapHandsOutWholeRecordsAsManyAsFit() throws Exception {
    // Two servers drawing the same random bytes: the same flight, byte for byte.
    SSLEngine client = TestPki.client().build().newClientEngine("localhost", 443);
    SSLEngine first = deterministicServer().newServerEngine();
    SSLEngine second = deterministicServer().newServerEngine();
    ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), hello);
    for (SSLEngine e : List.of(first, second)) {
      e.unwrap(ByteBuffer.wrap(Arrays.copyOf(hello.array(), hello.position())),
          ByteBuffer.allocate(e.getSession().getApplicationBufferSize()));
    }
    // One call, packet-buffer-sized destination: the five records of the flight.
    ByteBuffer all = ByteBuffer.allocate(first.getSession().getPacketBufferSize());
    SSLEngineResult r = first.wrap(ByteBuffer.allocate(0), all);
    assertThat(r.getStatus()).isEqualTo(Status.OK);
    byte[] flight = Arrays.copyOf(all.array(), all.position());
    List<byte[]> records = EnginePair.records(flight);
    assertThat(records).hasSize(5);
    assertThat(r.getHandshakeStatus()).isEqualTo(HandshakeStatus.NEED_UNWRAP);

    // Room for exactly one record at a time: the same records, one per call.
    ByteArrayOutputStream oneByOne = new ByteArrayOutputStream();
    for (byte[] expected : records) {
      ByteBuffer small = ByteBuffer.allocate(expected.length - 1);
      assertThat(second.wrap(ByteBuffer.allocate(0), small).getStatus())
          .isEqualTo(Status.BUFFER_OVERFLOW);
      assertThat(small.position()).isZero();
      ByteBuffer exact = ByteBuffer.allocate(expected.length);
      SSLEngineResult one = second.wrap(ByteBuffer.allocate(0), exact);
      assertThat(one.bytesProduced()).isEqualTo(expected.length);
      assertThat(exact.array()[0]).isEqualTo((byte) ContentType.HANDSHAKE);
      oneByOne.write(exact.array(), 0, exact.position());
    }
    assertThat(oneByOne.toByteArray()).isEqualTo(flight);
  }

  private static TlcpContext deterministicServer() {
    FuzzRandom random = new FuzzRandom();
    random.reset(new byte[0], 42);
    return TestPki.server().clientAuth(ClientAuth.REQUIRED).sessionCacheSize(0)
        .crypto(new BcTlcpCrypto(random)).build();
  }

  /**
   * Each record of a byte stream: a plaintext handshake record lists the types of the messages it
   * holds and whether it holds exactly one that fills it; other records (and handshake records after
   * ChangeCipherSpec, which are encrypted) are listed as the negated content type.
   */
  static List<Framed> framing(byte[] stream) {
    List<Framed> out = new ArrayList<>();
    boolean encrypted = false;
    for (byte[] r : EnginePair.records(stream)) {
      int type = r[0] & 0xff;
      if (type != ContentType.HANDSHAKE || encrypted) {
        encrypted |= type == ContentType.CHANGE_CIPHER_SPEC;
        out.add(new Framed(type, List.of(-type), true));
        continue;
      }
      List<Integer> types = new ArrayList<>();
      int p = ContentType.HEADER;
      int firstLength = -1;
      while (p + 4 <= r.length) {
        int len = ((r[p + 1] & 0xff) << 16) | ((r[p + 2] & 0xff) << 8) | (r[p + 3] & 0xff);
        types.add(r[p] & 0xff);
        if (firstLength < 0) {
          firstLength = 4 + len;
        }
        p += 4 + len;
      }
      out.add(new Framed(type, types, types.size() == 1 && firstLength == r.length - ContentType.HEADER));
    }
    return out;
  }

  /** Puts consecutive plaintext handshake records of a chunk into one record. */
  static byte[] coalescePlaintextHandshake(byte[] chunk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    boolean encrypted = false;
    for (byte[] r : EnginePair.records(chunk)) {
      if (r[0] == ContentType.HANDSHAKE && !encrypted) {
        pending.write(r, ContentType.HEADER, r.length - ContentType.HEADER);
        continue;
      }
      flush(out, pending);
      encrypted |= r[0] == ContentType.CHANGE_CIPHER_SPEC;
      out.writeBytes(r);
    }
    flush(out, pending);
    return out.toByteArray();
  }

  private static void flush(ByteArrayOutputStream out, ByteArrayOutputStream pending) {
    if (pending.size() > 0) {
      out.writeBytes(record(ContentType.HANDSHAKE, pending.toByteArray()));
      pending.reset();
    }
  }

  /** Cuts every handshake record of a chunk into records of at most {@code size} bytes. */
  static byte[] fragment(byte[] chunk, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] r : EnginePair.records(chunk)) {
      if (r[0] != ContentType.HANDSHAKE) {
        out.writeBytes(r);
        continue;
      }
      for (int p = ContentType.HEADER; p < r.length; p += size) {
        out.writeBytes(record(ContentType.HANDSHAKE, Arrays.copyOfRange(r, p, Math.min(r.length, p + size))));
      }
    }
    return out.toByteArray();
  }

  static byte[] record(int type, byte[] fragment) {
    byte[] r = new byte[ContentType.HEADER + fragment.length];
    r[0] = (byte) type;
    r[1] = (byte) (ContentType.VERSION >>> 8);
    r[2] = (byte) ContentType.VERSION;
    r[3] = (byte) (fragment.length >>> 8);
    r[4] = (byte) fragment.length;
    System.arraycopy(fragment, 0, r, ContentType.HEADER, fragment.length);
    return r;
  }
}
