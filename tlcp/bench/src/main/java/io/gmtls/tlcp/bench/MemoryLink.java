package io.gmtls.tlcp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A client and a server engine connected in memory on one thread. Every server engine call is
 * bracketed with the thread's CPU clock and the wall clock: {@link #serverCpuNanos} is the CPU the
 * server side spent — what a gateway pays per connection — and {@link #serverWallNanos} the
 * elapsed time of the same calls, comparable with JMH's (wall-clock) baselines on a machine whose
 * other load steals time from both alike.
 */
final class MemoryLink {

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  final SSLEngine client;
  final SSLEngine server;
  long serverCpuNanos;
  long serverWallNanos;
  private final ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer app = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer empty = ByteBuffer.allocate(0);

  MemoryLink(SSLEngine client, SSLEngine server) {
    this.client = client;
    this.server = server;
  }

  /** Runs the handshake to completion on both sides. */
  MemoryLink handshake() throws SSLException {
    client.beginHandshake();
    for (int i = 0; i < 64; i++) {
      boolean progress = wrap(client, c2s, false) | unwrap(server, c2s, true)
          | wrap(server, s2c, true) | unwrap(client, s2c, false);
      if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && c2s.position() == 0 && s2c.position() == 0) {
        return this;
      }
      if (!progress) {
        throw new IllegalStateException("handshake stuck: client " + client.getHandshakeStatus()
            + ", server " + server.getHandshakeStatus());
      }
    }
    throw new IllegalStateException("handshake did not finish");
  }

  /** Sends {@code data} from the client (one wrap = one record) and has the server read it. */
  int transfer(ByteBuffer data) throws SSLException {
    c2s.clear();
    client.wrap(data, c2s);
    c2s.flip();
    app.clear();
    server.unwrap(c2s, app);
    c2s.clear();
    return app.position();
  }

  private boolean wrap(SSLEngine e, ByteBuffer out, boolean timed) throws SSLException {
    boolean produced = false;
    long t0 = timed ? MX.getCurrentThreadCpuTime() : 0;
    long w0 = timed ? System.nanoTime() : 0;
    while (true) {
      int n = e.wrap(empty, out).bytesProduced();
      if (n == 0) {
        break;
      }
      produced = true;
    }
    if (timed) {
      serverWallNanos += System.nanoTime() - w0;
      serverCpuNanos += MX.getCurrentThreadCpuTime() - t0;
    }
    return produced;
  }

  private boolean unwrap(SSLEngine e, ByteBuffer in, boolean timed) throws SSLException {
    boolean consumed = false;
    long t0 = timed ? MX.getCurrentThreadCpuTime() : 0;
    long w0 = timed ? System.nanoTime() : 0;
    in.flip();
    try {
      while (in.hasRemaining()) {
        app.clear();
        if (e.unwrap(in, app).bytesConsumed() == 0) {
          break;
        }
        consumed = true;
      }
    } finally {
      in.compact();
    }
    if (timed) {
      serverWallNanos += System.nanoTime() - w0;
      serverCpuNanos += MX.getCurrentThreadCpuTime() - t0;
    }
    return consumed;
  }
}
