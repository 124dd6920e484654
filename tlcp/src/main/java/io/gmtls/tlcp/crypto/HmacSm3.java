package io.gmtls.tlcp.crypto;

/** HMAC-SM3 with a fixed key. Not thread-safe. */
public interface HmacSm3 {

  /** MAC length in bytes. */
  int LENGTH = 32;

  /** SM3's block size in bytes: one compression-function call per 64 bytes hashed. */
  int BLOCK = 64;

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

  /**
   * Drops whatever was hashed since the last {@code doFinal} and starts the next message. The
   * default finishes into a scratch buffer (a constant cost); implementations that can restore
   * the keyed state directly should.
   */
  default void reset() {
    doFinal(new byte[LENGTH], 0);
  }
}
