package io.gmtls.tlcp.message;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;

/**
 * Reads the TLS presentation language from a handshake body. Every read is bounds-checked; a short
 * or overlong body is a decode_error naming the message.
 */
public final class MessageReader {

  private final byte[] buf;
  private final String message;
  private int pos;
  private final int end;

  /** Reads all of {@code body}; {@code message} names it in errors. */
  public MessageReader(byte[] body, String message) {
    this.buf = body;
    this.message = message;
    this.pos = 0;
    this.end = body.length;
  }

  private void need(int n) throws TlcpAlertException {
    if (n < 0 || end - pos < n) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, message + " is truncated");
    }
  }

  public int u8() throws TlcpAlertException {
    need(1);
    return buf[pos++] & 0xff;
  }

  public int u16() throws TlcpAlertException {
    need(2);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  public int u24() throws TlcpAlertException {
    need(3);
    int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
    pos += 3;
    return v;
  }

  public long u32() throws TlcpAlertException {
    need(4);
    long v = ((long) u16() << 16) | u16();
    return v;
  }

  public byte[] bytes(int n) throws TlcpAlertException {
    need(n);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** {@code opaque x<min..2^8-1>}. */
  public byte[] vector8(int min) throws TlcpAlertException {
    return checked(bytes(u8()), min);
  }

  /** {@code opaque x<min..2^16-1>}. */
  public byte[] vector16(int min) throws TlcpAlertException {
    return checked(bytes(u16()), min);
  }

  /** {@code opaque x<min..2^24-1>}. */
  public byte[] vector24(int min) throws TlcpAlertException {
    return checked(bytes(u24()), min);
  }

  private byte[] checked(byte[] v, int min) throws TlcpAlertException {
    if (v.length < min) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, message + " has a vector shorter than " + min);
    }
    return v;
  }

  public int remaining() {
    return end - pos;
  }

  /** Fails unless the whole body was read. */
  public void expectEnd() throws TlcpAlertException {
    if (pos != end) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, message + " has trailing bytes");
    }
  }
}
