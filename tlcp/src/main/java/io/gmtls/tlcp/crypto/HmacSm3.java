package io.gmtls.tlcp.crypto;

/** HMAC-SM3 with a fixed key. Not thread-safe. */
public interface HmacSm3 {

  /** MAC length in bytes. */
  int LENGTH = 32;

  void update(byte[] data, int offset, int length);

  default void update(byte[] data) {
    update(data, 0, data.length);
  }

  /** Writes the 32-byte MAC at {@code out[offset]} and resets for the next message. */
  void doFinal(byte[] out, int offset);

  /** Returns the MAC and resets for the next message. */
  default byte[] doFinal() {
    byte[] out = new byte[LENGTH];
    doFinal(out, 0);
    return out;
  }
}
