package io.gmtls.tlcp;

import io.gmtls.tlcp.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Two SSLEngines connected in memory, driven the way a network stack drives them (wrap when asked,
 * unwrap what arrived, buffers sized from the session). Each direction can be tampered with: the
 * interceptor sees every chunk one wrap call produced (whole records).
 */
final class EnginePair {

  /** One end. */
  static final class Side {
    final String name;
    final SSLEngine engine;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final ArrayDeque<ByteBuffer> toSend = new ArrayDeque<>();
    ByteBuffer inbound = ByteBuffer.allocate(64 * 1024);
    UnaryOperator<byte[]> outboundTamper = UnaryOperator.identity();
    SSLException error;
    int finishedCount;
    boolean closedByPeer;

    Side(String name, SSLEngine engine) {
      this.name = name;
      this.engine = engine;
    }

    void send(byte[] data) {
      toSend.add(ByteBuffer.wrap(data));
    }

    /** The alert this side received from the peer, or null. */
    Alert receivedAlert() {
      return error instanceof TlcpAlertException a && a.receivedFromPeer() ? a.alert() : null;
    }

    /** The alert this side raised itself, or null. */
    Alert raisedAlert() {
      return error instanceof TlcpAlertException a && !a.receivedFromPeer() ? a.alert() : null;
    }

    boolean closed() {
      return engine.isInboundDone() && engine.isOutboundDone();
    }
  }

  final Side client;
  final Side server;

  EnginePair(SSLEngine client, SSLEngine server) {
    this.client = new Side("client", client);
    this.server = new Side("server", server);
  }

  static EnginePair of(TlcpContext clientContext, TlcpContext serverContext) {
    return new EnginePair(clientContext.newClientEngine("localhost", 443), serverContext.newServerEngine());
  }

  /** Begins the handshake and pumps until nothing moves. */
  EnginePair handshake() throws SSLException {
    client.engine.beginHandshake();
    return pump();
  }

  /** Moves bytes until neither side makes progress (bounded). */
  EnginePair pump() {
    for (int i = 0; i < 1000; i++) {
      boolean progress = step(client, server) | step(server, client);
      if (!progress) {
        return this;
      }
    }
    throw new AssertionError("engines did not settle");
  }

  private boolean step(Side self, Side peer) {
    boolean progress = false;
    // wrap: handshake flights, alerts and queued application data
    while (true) {
      ByteBuffer out = ByteBuffer.allocate(self.engine.getSession().getPacketBufferSize());
      ByteBuffer src = self.toSend.isEmpty() ? ByteBuffer.allocate(0) : self.toSend.peek();
      SSLEngineResult r;
      try {
        r = self.engine.wrap(src, out);
      } catch (SSLException e) {
        self.error = self.error == null ? e : self.error;
        break;
      }
      if (!src.hasRemaining() && !self.toSend.isEmpty()) {
        self.toSend.poll();
      }
      if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
        self.finishedCount++;
      }
      if (r.bytesProduced() > 0) {
        byte[] bytes = Arrays.copyOf(out.array(), out.position());
        deliver(peer, self.outboundTamper.apply(bytes));
        progress = true;
      }
      if (r.bytesProduced() == 0 && r.bytesConsumed() == 0) {
        break;
      }
    }
    // unwrap what arrived
    if (self.error == null) {
      self.inbound.flip();
      try {
        while (self.inbound.hasRemaining()) {
          ByteBuffer app = ByteBuffer.allocate(self.engine.getSession().getApplicationBufferSize());
          SSLEngineResult r = self.engine.unwrap(self.inbound, app);
          if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            self.finishedCount++;
          }
          self.received.write(app.array(), 0, app.position());
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            self.closedByPeer = true;
          }
          if (r.bytesConsumed() == 0) {
            break;
          }
          progress = true;
        }
      } catch (SSLException e) {
        self.error = e;
        progress = true;
      } finally {
        self.inbound.compact();
      }
    }
    return progress;
  }

  static void deliver(Side to, byte[] bytes) {
    if (to.inbound.remaining() < bytes.length) {
      ByteBuffer bigger = ByteBuffer.allocate(to.inbound.capacity() + bytes.length + 1024);
      to.inbound.flip();
      bigger.put(to.inbound);
      to.inbound = bigger;
    }
    to.inbound.put(bytes);
  }

  // ------------------------------------------------------------------ tampering helpers

  /** Splits a chunk into records (header + fragment each). */
  static List<byte[]> records(byte[] chunk) {
    List<byte[]> out = new ArrayList<>();
    int p = 0;
    while (p + ContentType.HEADER <= chunk.length) {
      int len = ((chunk[p + 3] & 0xff) << 8) | (chunk[p + 4] & 0xff);
      out.add(Arrays.copyOfRange(chunk, p, p + 5 + len));
      p += 5 + len;
    }
    return out;
  }

  static byte[] join(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    records.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /**
   * Rewrites plaintext handshake messages of a chunk: {@code rewrite} gets each encoded message
   * (header included) and returns its replacement (or the same array).
   */
  static UnaryOperator<byte[]> rewriteHandshake(UnaryOperator<byte[]> rewrite) {
    boolean[] encrypted = {false};
    return chunk -> {
      List<byte[]> out = new ArrayList<>();
      for (byte[] r : records(chunk)) {
        if (r[0] == ContentType.CHANGE_CIPHER_SPEC) {
          encrypted[0] = true;
        }
        if (r[0] != ContentType.HANDSHAKE || encrypted[0]) {
          out.add(r);
          continue;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int p = 5;
        while (p < r.length) {
          int len = ((r[p + 1] & 0xff) << 16) | ((r[p + 2] & 0xff) << 8) | (r[p + 3] & 0xff);
          body.writeBytes(rewrite.apply(Arrays.copyOfRange(r, p, p + 4 + len)));
          p += 4 + len;
        }
        byte[] b = body.toByteArray();
        byte[] rec = new byte[5 + b.length];
        System.arraycopy(r, 0, rec, 0, 3);
        rec[3] = (byte) (b.length >>> 8);
        rec[4] = (byte) b.length;
        System.arraycopy(b, 0, rec, 5, b.length);
        out.add(rec);
      }
      return join(out);
    };
  }

  /** A handshake message with a new body (header recomputed). */
  static byte[] message(int type, byte[] body) {
    byte[] m = new byte[4 + body.length];
    m[0] = (byte) type;
    m[1] = (byte) (body.length >>> 16);
    m[2] = (byte) (body.length >>> 8);
    m[3] = (byte) body.length;
    System.arraycopy(body, 0, m, 4, body.length);
    return m;
  }
}
