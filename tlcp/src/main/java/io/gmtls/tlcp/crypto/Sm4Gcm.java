package io.gmtls.tlcp.crypto;

import javax.crypto.AEADBadTagException;

/** SM4 in GCM mode with a fixed key and direction and a 16-byte tag. Not thread-safe. */
public interface Sm4Gcm {

  /** Tag length in bytes. */
  int TAG = 16;

  /**
   * Encrypts {@code length} bytes of {@code buf} at {@code offset} in place and appends the tag
   * (so {@code buf} needs {@link #TAG} bytes of room after them).
   *
   * @return ciphertext length including the tag
   */
  int seal(byte[] nonce, byte[] aad, byte[] buf, int offset, int length);

  /**
   * Decrypts {@code length} bytes (ciphertext and tag) of {@code buf} at {@code offset} in place.
   *
   * @return plaintext length
   * @throws AEADBadTagException if the tag does not match
   */
  int open(byte[] nonce, byte[] aad, byte[] buf, int offset, int length) throws AEADBadTagException;
}
