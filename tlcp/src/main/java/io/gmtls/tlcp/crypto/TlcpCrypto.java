package io.gmtls.tlcp.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;

/**
 * Every cryptographic primitive the TLCP protocol code uses, and nothing else.
 *
 * <p>The protocol code (handshake, record layer) reaches SM2, SM3 and SM4 only through this
 * interface, so that a faster implementation (native, hardware) can replace the BouncyCastle one
 * (the default, inside the module) without touching the protocol: pass it to
 * {@code TlcpContext.Builder.crypto}. Implementations must be thread-safe: one
 * instance is shared by every engine of a context; the objects it returns ({@link Sm3},
 * {@link HmacSm3}, {@link Sm4Cbc}, {@link Sm4Gcm}) are used by one engine at a time.
 *
 * <p>All SM2 operations use the curve sm2p256v1 and, where GB/T 32918 needs a user ID (signatures,
 * key exchange), the default ID {@value #DEFAULT_USER_ID}.
 */
public interface TlcpCrypto {

  /** The SM2 user ID of GM/T 0009 used by every TLCP peer known to us. */
  String DEFAULT_USER_ID = "1234567812345678";

  /** The source of randomness for nonces, IVs, ephemeral keys and pre-master secrets. */
  SecureRandom random();

  /**
   * Converts a private key (PKCS#8-encodable SM2 key) into a handle with everything precomputed
   * that signing and decryption need (public point, Z value).
   *
   * @throws InvalidKeyException if the key is not an SM2 (sm2p256v1) private key
   */
  Sm2PrivateKey sm2PrivateKey(PrivateKey key) throws InvalidKeyException;

  /**
   * Parses a DER SubjectPublicKeyInfo holding an SM2 public key.
   *
   * @throws InvalidKeyException if it is not an SM2 (sm2p256v1) public key
   */
  Sm2PublicKey sm2PublicKey(byte[] subjectPublicKeyInfo) throws InvalidKeyException;

  /** SM2-with-SM3 signature (GB/T 32918.2, default user ID) over {@code message}, DER encoded. */
  byte[] sm2Sign(Sm2PrivateKey key, byte[] message);

  /** Verifies a DER SM2-with-SM3 signature; false for a wrong or malformed signature. */
  boolean sm2Verify(Sm2PublicKey key, byte[] message, byte[] derSignature);

  /**
   * SM2 public-key encryption (GB/T 32918.4), returned in the DER form GM/T 0009 defines:
   * {@code SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING }}.
   */
  byte[] sm2Encrypt(Sm2PublicKey key, byte[] plaintext);

  /**
   * Decrypts the DER form {@link #sm2Encrypt} produces.
   *
   * @throws GeneralSecurityException on any malformed or unauthentic ciphertext (no detail given)
   */
  byte[] sm2Decrypt(Sm2PrivateKey key, byte[] derCiphertext) throws GeneralSecurityException;

  /** A fresh ephemeral SM2 key pair for the key exchange. */
  Sm2EphemeralKey sm2GenerateEphemeral();

  /**
   * The SM2 key exchange protocol (GB/T 32918.3) with SM3 and the default user ID on both sides,
   * without the optional confirmation hashes.
   *
   * @param length bytes of key material to derive
   * @param initiator whether this side is user A (the initiator)
   * @param ownStatic this side's static (encryption) private key
   * @param ownEphemeral this side's ephemeral key pair
   * @param peerStatic the peer's static (encryption certificate) public key
   * @param peerEphemeralPoint the peer's ephemeral public point, uncompressed (04 || x || y)
   * @throws InvalidKeyException if the peer's point is not a valid point of the curve
   */
  byte[] sm2KeyExchange(int length, boolean initiator, Sm2PrivateKey ownStatic,
      Sm2EphemeralKey ownEphemeral, Sm2PublicKey peerStatic, byte[] peerEphemeralPoint)
      throws InvalidKeyException;

  /** A new SM3 digest. */
  Sm3 sm3();

  /** A new HMAC-SM3 keyed with {@code key}. */
  HmacSm3 hmacSm3(byte[] key);

  /** A new SM4-CBC cipher (no padding) keyed with the 16-byte {@code key}. */
  Sm4Cbc sm4Cbc(byte[] key, boolean encrypt);

  /** A new SM4-GCM cipher (16-byte tag) keyed with the 16-byte {@code key}. */
  Sm4Gcm sm4Gcm(byte[] key, boolean encrypt);
}
