package io.gmtls.tlcp;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Feeds hostile bytes to one engine the way a network stack would (in chunks, unwrapping what
 * arrived and wrapping whatever the engine wants to send) and enforces the parser contract of
 * COMMON.md: the engine may only end in an alert ({@link TlcpAlertException}) or a clean close.
 * Anything else — another exception, an {@code internal_error} raised by the engine itself (an
 * uncaught exception inside it), a broken SSLEngine result, or no progress — is a finding.
 */
final class FuzzDriver {

  /** Bound on wrap calls in a row: an engine that never stops producing is a finding. */
  static final int MAX_CALLS = 512;

  private FuzzDriver() {
  }

  /**
   * The chunk size a control byte selects (bits 2-7): 0 means everything at once, otherwise a
   * size from 1 to 3969 bytes, so records and messages are split at every kind of boundary.
   */
  static int chunk(int control) {
    int c = (control >>> 2) & 0x3f;
    return c == 0 ? Integer.MAX_VALUE : c * c;
  }

  /**
   * Runs {@code engine} over {@code input[offset..]} delivered {@code chunk} bytes at a time.
   *
   * @return the alert the engine ended with, or null if it closed cleanly or ran out of input
   */
  static Alert drive(SSLEngine engine, byte[] input, int offset, int chunk) {
    int total = input.length - offset;
    ByteBuffer net = ByteBuffer.allocate(Math.max(total, 1));
    net.flip();
    int delivered = 0;
    ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    boolean needMore = true;
    // Each turn delivers bytes or consumes some, so this bound is never reached by a sane engine.
    int maxCalls = 2 * total + 64;
    for (int calls = 0; calls < maxCalls; calls++) {
      if (!drainWrap(engine) || engine.isInboundDone()) {
        return null;
      }
      if (needMore) {
        if (delivered == total) {
          return null;
        }
        int n = (int) Math.min((long) chunk, total - delivered);
        net.compact();
        net.put(input, offset + delivered, n);
        net.flip();
        delivered += n;
      }
      app.clear();
      SSLEngineResult r;
      try {
        r = engine.unwrap(net, app);
      } catch (SSLException e) {
        expectAlert(e);
        drainWrap(engine);
        return ((TlcpAlertException) e).alert();
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        throw new AssertionError("BUFFER_OVERFLOW with a full application buffer: " + r);
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        drainWrap(engine);
        return null;
      }
      needMore = r.bytesConsumed() == 0 || !net.hasRemaining();
    }
    throw new AssertionError("engine made no end after " + maxCalls + " calls");
  }

  /** Wraps until the engine has nothing more to send; false once it has failed. */
  private static boolean drainWrap(SSLEngine engine) {
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    ByteBuffer empty = ByteBuffer.allocate(0);
    for (int i = 0; i < MAX_CALLS; i++) {
      out.clear();
      SSLEngineResult r;
      try {
        r = engine.wrap(empty, out);
      } catch (SSLException e) {
        expectAlert(e);
        return false;
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        throw new AssertionError("BUFFER_OVERFLOW with a packet-sized buffer: " + r);
      }
      if (r.bytesProduced() == 0) {
        return r.getStatus() != SSLEngineResult.Status.CLOSED;
      }
    }
    throw new AssertionError("engine kept producing output");
  }

  /** An SSLException is fine only as an alert, and internal_error only when the peer sent it. */
  static void expectAlert(SSLException e) {
    if (!(e instanceof TlcpAlertException a)) {
      throw new AssertionError("SSLException without an alert: " + e, e);
    }
    if (a.alert() == Alert.INTERNAL_ERROR && !a.receivedFromPeer()) {
      throw new AssertionError("internal_error: an exception escaped a parser", e);
    }
  }
}
