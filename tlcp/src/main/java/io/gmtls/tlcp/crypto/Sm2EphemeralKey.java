package io.gmtls.tlcp.crypto;

/** An ephemeral SM2 key pair for one key exchange; opaque to the protocol code. */
public interface Sm2EphemeralKey {

  /** The public point, uncompressed: 04 || x || y (65 bytes). */
  byte[] encodedPoint();
}
