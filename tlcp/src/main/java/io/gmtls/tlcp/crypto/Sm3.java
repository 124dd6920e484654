package io.gmtls.tlcp.crypto;

/** A running SM3 digest (GB/T 32905). Not thread-safe. */
public interface Sm3 {

  /** Digest length in bytes. */
  int LENGTH = 32;

  void update(byte[] data, int offset, int length);

  default void update(byte[] data) {
    update(data, 0, data.length);
  }

  /** Finishes the digest, returns it and resets this object. */
  byte[] digest();

  /** An independent copy of the current state (for transcript hashes taken mid-handshake). */
  Sm3 copy();
}
