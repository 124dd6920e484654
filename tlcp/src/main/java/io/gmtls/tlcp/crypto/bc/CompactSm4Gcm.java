package io.gmtls.tlcp.crypto.bc;

import io.gmtls.tlcp.crypto.Sm4Gcm;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.gcm.GCMUtil;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Pack;

/**
 * SM4-GCM (NIST SP 800-38D with SM4 as the block cipher, 12-byte nonces, 16-byte tags) keeping only
 * what a key needs between records: SM4's round keys and the hash key H. A connection holds two of
 * these for its whole life; BouncyCastle's {@code GCMBlockCipher} keeps about twenty working arrays
 * besides (≈ 0.6 KB per direction, a tenth of an idle connection's heap). Everything a record needs
 * is allocated per call and dropped. The SM4 block function and the table-free GHASH multiplication are
 * BouncyCastle's ({@link SM4Engine}, {@link GCMUtil#multiply(long[], long[])}); cross-checked against
 * {@code GCMBlockCipher} in tests. Not thread-safe (one direction of one connection).
 */
final class CompactSm4Gcm implements Sm4Gcm {

  private static final int BLOCK = 16;
  private static final int NONCE = 12;

  private final SM4Engine sm4 = new SM4Engine();
  private final long[] h;

  CompactSm4Gcm(byte[] key) {
    sm4.init(true, new KeyParameter(key));
    byte[] zero = new byte[BLOCK];
    sm4.processBlock(zero, 0, zero, 0);
    h = GCMUtil.asLongs(zero);
  }

  @Override
  public int seal(byte[] nonce, byte[] aad, byte[] buf, int offset, int length) {
    byte[] j0 = j0(nonce);
    ctr(j0, buf, offset, length);
    byte[] tag = tag(j0, aad, buf, offset, length);
    System.arraycopy(tag, 0, buf, offset + length, TAG);
    return length + TAG;
  }

  @Override
  public int open(byte[] nonce, byte[] aad, byte[] buf, int offset, int length)
      throws AEADBadTagException {
    if (length < TAG) {
      throw new AEADBadTagException("SM4-GCM ciphertext too short");
    }
    int n = length - TAG;
    byte[] j0 = j0(nonce);
    byte[] expected = tag(j0, aad, buf, offset, n);
    byte[] received = new byte[TAG];
    System.arraycopy(buf, offset + n, received, 0, TAG);
    // Constant time; and nothing is decrypted unless the tag matches.
    if (!MessageDigest.isEqual(expected, received)) {
      throw new AEADBadTagException("SM4-GCM tag mismatch");
    }
    ctr(j0, buf, offset, n);
    return n;
  }

  private static byte[] j0(byte[] nonce) {
    if (nonce.length != NONCE) {
      throw new IllegalArgumentException("SM4-GCM nonce must be 12 bytes, was " + nonce.length);
    }
    byte[] j0 = new byte[BLOCK];
    System.arraycopy(nonce, 0, j0, 0, NONCE);
    j0[BLOCK - 1] = 1;
    return j0;
  }

  /** XORs the key stream of counters inc32(J0), inc32(inc32(J0)), … into {@code buf} in place. */
  private void ctr(byte[] j0, byte[] buf, int offset, int length) {
    byte[] counter = j0.clone();
    byte[] stream = new byte[BLOCK];
    int ctr = Pack.bigEndianToInt(j0, NONCE);
    for (int done = 0; done < length; done += BLOCK) {
      ctr++;
      Pack.intToBigEndian(ctr, counter, NONCE);
      sm4.processBlock(counter, 0, stream, 0);
      int n = Math.min(BLOCK, length - done);
      for (int i = 0; i < n; i++) {
        buf[offset + done + i] ^= stream[i];
      }
    }
  }

  /** E(K, J0) xor GHASH(H, A, C). */
  private byte[] tag(byte[] j0, byte[] aad, byte[] c, int offset, int length) {
    long[] s = new long[2];
    byte[] block = new byte[BLOCK];
    int aadLength = aad == null ? 0 : aad.length;
    ghash(s, block, aad, 0, aadLength);
    ghash(s, block, c, offset, length);
    s[0] ^= (long) aadLength * 8;
    s[1] ^= (long) length * 8;
    GCMUtil.multiply(s, h);
    GCMUtil.asBytes(s, block);
    byte[] tag = new byte[BLOCK];
    sm4.processBlock(j0, 0, tag, 0);
    GCMUtil.xor(tag, block);
    return tag;
  }

  /** Absorbs {@code length} bytes (the last block zero-padded) into the GHASH state {@code s}. */
  private void ghash(long[] s, byte[] block, byte[] data, int offset, int length) {
    long[] x = new long[2];
    for (int done = 0; done < length; done += BLOCK) {
      int n = Math.min(BLOCK, length - done);
      if (n < BLOCK) {
        java.util.Arrays.fill(block, (byte) 0);
      }
      System.arraycopy(data, offset + done, block, 0, n);
      GCMUtil.asLongs(block, x);
      s[0] ^= x[0];
      s[1] ^= x[1];
      GCMUtil.multiply(s, h);
    }
  }
}
