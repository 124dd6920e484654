package io.gmtls.tlcp.crypto;

/**
 * Handle of an SM2 private key made by {@link TlcpCrypto#sm2PrivateKey}; opaque to the protocol
 * code. Implementations never reveal the key in {@code toString}.
 */
public interface Sm2PrivateKey {

  /** The matching public key. */
  Sm2PublicKey publicKey();
}
