package io.gmtls.tlcp.crypto;

/** SM4 in CBC mode without padding, with a fixed key and direction. Not thread-safe. */
public interface Sm4Cbc {

  /** Block size in bytes. */
  int BLOCK = 16;

  /**
   * Encrypts or decrypts {@code length} bytes (a multiple of {@link #BLOCK}) of {@code buf} in
   * place, chaining from the 16-byte {@code iv}.
   */
  void process(byte[] iv, int ivOffset, byte[] buf, int offset, int length);
}
