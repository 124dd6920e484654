package io.gmtls.tlcp.message;

import java.util.Arrays;

/** Writes the TLS presentation language into a growing byte array. */
public final class MessageWriter {

  private byte[] buf;
  private int len;

  public MessageWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  public MessageWriter u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  public MessageWriter u16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public MessageWriter u24(int v) {
    ensure(3);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public MessageWriter u32(long v) {
    u16((int) (v >>> 16));
    return u16((int) v);
  }

  public MessageWriter bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  public MessageWriter vector8(byte[] b) {
    return u8(b.length).bytes(b);
  }

  public MessageWriter vector16(byte[] b) {
    return u16(b.length).bytes(b);
  }

  public MessageWriter vector24(byte[] b) {
    return u24(b.length).bytes(b);
  }

  public int length() {
    return len;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
