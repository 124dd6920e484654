package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import io.gmtls.tlcp.crypto.Sm4Gcm;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * BouncyCastle, counting SM2 signature verifications and public key decodings: the seam tests use
 * to measure what a handshake costs. Thread-safe counters.
 */
public final class CountingCrypto implements TlcpCrypto {
  private final TlcpCrypto bc = new BcTlcpCrypto();
  private final AtomicInteger verifies = new AtomicInteger();
  private final AtomicInteger decodes = new AtomicInteger();

  /** SM2 signature verifications so far. */
  public int verifies() {
    return verifies.get();
  }

  /** SM2 public keys decoded so far. */
  public int decodes() {
    return decodes.get();
  }

  @Override
  public boolean sm2Verify(Sm2PublicKey key, byte[] message, byte[] derSignature) {
    verifies.incrementAndGet();
    return bc.sm2Verify(key, message, derSignature);
  }

  @Override
  public SecureRandom random() {
    return bc.random();
  }

  @Override
  public Sm2PrivateKey sm2PrivateKey(PrivateKey key) throws InvalidKeyException {
    return bc.sm2PrivateKey(key);
  }

  @Override
  public Sm2PublicKey sm2PublicKey(byte[] spki) throws InvalidKeyException {
    decodes.incrementAndGet();
    return bc.sm2PublicKey(spki);
  }

  @Override
  public byte[] sm2Sign(Sm2PrivateKey key, byte[] message) {
    return bc.sm2Sign(key, message);
  }

  @Override
  public byte[] sm2Encrypt(Sm2PublicKey key, byte[] plaintext) {
    return bc.sm2Encrypt(key, plaintext);
  }

  @Override
  public byte[] sm2Decrypt(Sm2PrivateKey key, byte[] der) throws GeneralSecurityException {
    return bc.sm2Decrypt(key, der);
  }

  @Override
  public Sm2EphemeralKey sm2GenerateEphemeral() {
    return bc.sm2GenerateEphemeral();
  }

  @Override
  public byte[] sm2KeyExchange(int length, boolean initiator, Sm2PrivateKey ownStatic,
      Sm2EphemeralKey ownEphemeral, Sm2PublicKey peerStatic, byte[] peerPoint) throws InvalidKeyException {
    return bc.sm2KeyExchange(length, initiator, ownStatic, ownEphemeral, peerStatic, peerPoint);
  }

  @Override
  public Sm3 sm3() {
    return bc.sm3();
  }

  @Override
  public HmacSm3 hmacSm3(byte[] key) {
    return bc.hmacSm3(key);
  }

  @Override
  public Sm4Cbc sm4Cbc(byte[] key, boolean encrypt) {
    return bc.sm4Cbc(key, encrypt);
  }

  @Override
  public Sm4Gcm sm4Gcm(byte[] key, boolean encrypt) {
    return bc.sm4Gcm(key, encrypt);
  }
}
