package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * ECC key exchange (GB/T 38636-2020 clause 6.4.5.8): the client picks a 48-byte pre-master secret
 * {@code client_version (0x0101) || random[46]} and encrypts it with SM2 to the public key of the
 * server's <em>encryption</em> certificate.
 */
public final class EccKeyExchange {

  public static final int PRE_MASTER_LENGTH = 48;

  private EccKeyExchange() {
  }

  /** The client's pre-master secret and its encryption. */
  public record ClientSide(byte[] preMasterSecret, byte[] encryptedPreMasterSecret) {
  }

  /** Client: makes and encrypts the pre-master secret. */
  public static ClientSide client(TlcpCrypto crypto, Sm2PublicKey serverEncryptionKey) {
    byte[] pms = new byte[PRE_MASTER_LENGTH];
    crypto.random().nextBytes(pms);
    pms[0] = 0x01;
    pms[1] = 0x01;
    return new ClientSide(pms, crypto.sm2Encrypt(serverEncryptionKey, pms));
  }

  /**
   * Server: decrypts the pre-master secret. A ciphertext that does not decrypt, or holds anything
   * but 48 bytes starting with version 0x0101, yields a random pre-master secret instead of an
   * error (as RFC 5246 7.4.7.1 does for RSA), so the handshake fails at Finished exactly as it
   * would with a wrong key, and the decryption result is never an oracle.
   */
  public static byte[] server(TlcpCrypto crypto, Sm2PrivateKey serverEncryptionKey,
      byte[] encryptedPreMasterSecret) {
    byte[] fallback = new byte[PRE_MASTER_LENGTH];
    crypto.random().nextBytes(fallback);
    fallback[0] = 0x01;
    fallback[1] = 0x01;
    byte[] pms;
    try {
      pms = crypto.sm2Decrypt(serverEncryptionKey, encryptedPreMasterSecret);
    } catch (GeneralSecurityException e) {
      return fallback;
    }
    if (pms.length != PRE_MASTER_LENGTH) {
      return fallback;
    }
    boolean good = MessageDigest.isEqual(new byte[] {pms[0], pms[1]}, new byte[] {0x01, 0x01});
    return good ? pms : fallback;
  }
}
