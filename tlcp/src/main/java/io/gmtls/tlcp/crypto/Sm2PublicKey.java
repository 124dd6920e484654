package io.gmtls.tlcp.crypto;

/** Handle of an SM2 public key made by {@link TlcpCrypto}; opaque to the protocol code. */
public interface Sm2PublicKey {

  /** The public point, uncompressed: 04 || x || y (65 bytes). */
  byte[] encodedPoint();
}
