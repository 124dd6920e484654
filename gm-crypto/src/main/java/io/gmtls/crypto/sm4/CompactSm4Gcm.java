package io.gmtls.crypto.sm4;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.util.Pack;

/**
 * SM4-GCM (NIST SP 800-38D with SM4 as the block cipher, 12-byte nonces, 16-byte tags) keeping only
 * what a key needs between records: SM4's round keys and the hash key H. A connection holds two of
 * these for its whole life; BouncyCastle's {@code GCMBlockCipher} keeps about twenty working arrays
 * besides (≈ 0.6 KB per direction, a tenth of an idle connection's heap). Everything a record needs
 * is allocated per call and dropped. The SM4 block function is {@link Sm4Block}.
 *
 * <p>GHASH multiplies with Shoup's 4-bit tables (the 16 multiples of H by 4-bit polynomials, 256
 * bytes) built for each record rather than kept per key, so an idle connection keeps nothing more:
 * building costs about half a multiplication, and a multiplication is then 32 table steps, faster
 * than BouncyCastle's table-free {@code GCMUtil.multiply} by about a third. Like OpenSSL's portable
 * {@code gcm_gmult_4bit}, the table lookups are indexed by hash state: a cache-timing observer on
 * the same core could in principle learn which 64-byte line of the table each step touched.
 * Cross-checked against {@code GCMBlockCipher} in tests. Not thread-safe (one direction of one
 * connection). The record cipher of TLCP's SM4-GCM suites ({@code tlcp}) and of TLS 1.3's
 * TLS_SM4_GCM_SM3 ({@code io.gmtls.crypto.tls.Sm2TlsCrypto}).
 */
public final class CompactSm4Gcm {

  /** Tag length in bytes. */
  public static final int TAG = 16;

  private static final int BLOCK = Sm4Block.BLOCK;
  private static final int NONCE = 12;
  /** Big-endian long access to byte arrays: one load per half block. */
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final Sm4Block sm4;
  private final long h0;
  private final long h1;

  /** A cipher for the 16-byte {@code key} (the caller keeps and wipes its copy). */
  public CompactSm4Gcm(byte[] key) {
    sm4 = new Sm4Block(key);
    byte[] zero = new byte[BLOCK];
    sm4.encrypt(zero, 0, zero, 0);
    h0 = Pack.bigEndianToLong(zero, 0);
    h1 = Pack.bigEndianToLong(zero, 8);
  }

  /**
   * Encrypts {@code length} bytes of {@code buf} at {@code offset} in place and appends the tag (so
   * {@code buf} needs {@link #TAG} bytes of room after them); {@code nonce} is 12 bytes, {@code aad}
   * may be null.
   *
   * @return ciphertext length including the tag
   */
  public int seal(byte[] nonce, byte[] aad, byte[] buf, int offset, int length) {
    checkNonce(nonce);
    ctr(nonce, buf, offset, length);
    tag(nonce, aad, buf, offset, length, buf, offset + length);
    return length + TAG;
  }

  /**
   * Checks the tag of {@code length} bytes (ciphertext and tag) of {@code buf} at {@code offset}
   * and, only if it matches, decrypts them in place.
   *
   * @return plaintext length
   * @throws AEADBadTagException if the input is shorter than a tag or the tag does not match
   */
  public int open(byte[] nonce, byte[] aad, byte[] buf, int offset, int length)
      throws AEADBadTagException {
    if (length < TAG) {
      throw new AEADBadTagException("SM4-GCM ciphertext too short");
    }
    checkNonce(nonce);
    int n = length - TAG;
    byte[] expected = new byte[TAG];
    tag(nonce, aad, buf, offset, n, expected, 0);
    byte[] received = Arrays.copyOfRange(buf, offset + n, offset + length);
    // Constant time; and nothing is decrypted unless the tag matches.
    if (!MessageDigest.isEqual(expected, received)) {
      throw new AEADBadTagException("SM4-GCM tag mismatch");
    }
    ctr(nonce, buf, offset, n);
    return n;
  }

  private static void checkNonce(byte[] nonce) {
    if (nonce.length != NONCE) {
      throw new IllegalArgumentException("SM4-GCM nonce must be 12 bytes, was " + nonce.length);
    }
  }

  /**
   * XORs the key stream of counters inc32(J0), inc32(inc32(J0)), … into {@code buf} in place,
   * J0 being the nonce followed by the 32-bit counter 1.
   */
  private void ctr(byte[] nonce, byte[] buf, int offset, int length) {
    int n0 = Sm4Block.be(nonce, 0);
    int n1 = Sm4Block.be(nonce, 4);
    int n2 = Sm4Block.be(nonce, 8);
    int ctr = 1;
    int done = 0;
    for (; done + 2 * BLOCK <= length; done += 2 * BLOCK) {
      sm4.encryptXor2(n0, n1, n2, ctr + 1, ctr + 2, buf, offset + done);
      ctr += 2;
    }
    // The last full block (an odd count) and a partial one: through a block of key stream.
    if (done < length) {
      byte[] stream = new byte[BLOCK];
      for (; done < length; done += BLOCK) {
        ctr++;
        sm4.encrypt(n0, n1, n2, ctr, stream, 0);
        for (int i = 0; i < BLOCK && done + i < length; i++) {
          buf[offset + done + i] ^= stream[i];
        }
      }
    }
  }

  /** Writes E(K, J0) xor GHASH(H, A, C) to {@code out[outOffset]}. */
  private void tag(byte[] nonce, byte[] aad, byte[] c, int offset, int length, byte[] out,
      int outOffset) {
    long[] s = new long[2];
    long[] table = table(h0, h1);
    int aadLength = aad == null ? 0 : aad.length;
    // H^2 for two blocks per step (see ghash), s = H·H with H's own table; only when some input has
    // two full blocks: a record of a few bytes (a Finished, an MQTT PINGREQ) would pay for it in vain.
    long[] table2 = null;
    if (length >= 2 * BLOCK || aadLength >= 2 * BLOCK) {
      s[0] = h0;
      s[1] = h1;
      multiply(s, table);
      table2 = table(s[0], s[1]);
      s[0] = 0;
      s[1] = 0;
    }
    byte[] block = new byte[BLOCK];
    ghash(s, table, table2, block, aad, 0, aadLength);
    ghash(s, table, table2, block, c, offset, length);
    s[0] ^= (long) aadLength * 8;
    s[1] ^= (long) length * 8;
    multiply(s, table);
    sm4.encrypt(Sm4Block.be(nonce, 0), Sm4Block.be(nonce, 4), Sm4Block.be(nonce, 8), 1, block, 0);
    Pack.longToBigEndian(Pack.bigEndianToLong(block, 0) ^ s[0], out, outOffset);
    Pack.longToBigEndian(Pack.bigEndianToLong(block, 8) ^ s[1], out, outOffset + 8);
  }

  /**
   * Absorbs {@code length} bytes (the last block zero-padded) into the GHASH state {@code s}, two
   * blocks per step where it can: ((s ⊕ X1)·H ⊕ X2)·H = (s ⊕ X1)·H² ⊕ X2·H, two independent
   * multiplications the processor overlaps ({@code table2} is H²'s table; null when no input has
   * two full blocks).
   */
  private static void ghash(long[] s, long[] table, long[] table2, byte[] block, byte[] data,
      int offset, int length) {
    int done = 0;
    for (; table2 != null && done + 2 * BLOCK <= length; done += 2 * BLOCK) {
      long a0 = s[0] ^ (long) LONG_BE.get(data, offset + done);
      long a1 = s[1] ^ (long) LONG_BE.get(data, offset + done + 8);
      long b0 = (long) LONG_BE.get(data, offset + done + 16);
      long b1 = (long) LONG_BE.get(data, offset + done + 24);
      multiplyAdd2(s, a0, a1, table2, b0, b1, table);
    }
    for (; done + BLOCK <= length; done += BLOCK) {
      s[0] ^= (long) LONG_BE.get(data, offset + done);
      s[1] ^= (long) LONG_BE.get(data, offset + done + 8);
      multiply(s, table);
    }
    if (done < length) {
      Arrays.fill(block, (byte) 0);
      System.arraycopy(data, offset + done, block, 0, length - done);
      s[0] ^= Pack.bigEndianToLong(block, 0);
      s[1] ^= Pack.bigEndianToLong(block, 8);
      multiply(s, table);
    }
  }

  /**
   * GCM's reduction of the 4 bits a shift by x^4 pushes past x^127, indexed by those bits (the
   * lowest of {@code s[1]}): bit value 8 is x^128 = 1 + x + x^2 + x^7 (0xE1 in GCM's reflected
   * bit order), 4 is x^129, 2 is x^130, 1 is x^131.
   */
  private static final long[] REDUCE4 = new long[16];

  static {
    long r = 0xE100000000000000L;
    for (int m = 0; m < 16; m++) {
      long v = 0;
      for (int bit = 0; bit < 4; bit++) {
        if ((m & (8 >> bit)) != 0) {
          v ^= r >>> bit;
        }
      }
      REDUCE4[m] = v;
    }
  }

  /**
   * Shoup's table for H: entry {@code n} (longs {@code 2n}, {@code 2n + 1}) is H times the
   * polynomial whose coefficients of x^0..x^3 are the bits 8, 4, 2, 1 of {@code n} (GCM's bit
   * order: the most significant bit of a nibble is the lowest power).
   */
  private static long[] table(long h0, long h1) {
    long[] t = new long[32];
    for (int n = 8; n > 0; n >>= 1) {
      t[2 * n] = h0;
      t[2 * n + 1] = h1;
      // times x: one bit towards the high powers, reducing x^128
      long carry = -(h1 & 1);
      h1 = (h1 >>> 1) | (h0 << 63);
      h0 = (h0 >>> 1) ^ (0xE100000000000000L & carry);
    }
    for (int n = 2; n < 16; n <<= 1) {
      for (int low = 1; low < n; low++) {
        t[2 * (n + low)] = t[2 * n] ^ t[2 * low];
        t[2 * (n + low) + 1] = t[2 * n + 1] ^ t[2 * low + 1];
      }
    }
    return t;
  }

  /**
   * s = a · T_a ⊕ b · T_b (the values whose tables are {@code ta} and {@code tb}): {@link #multiply}'s
   * Horner steps for both products interleaved, the sum taken at the end (multiplication by a fixed
   * value is linear, so the two accumulators reduce independently).
   */
  private static void multiplyAdd2(long[] s, long a0, long a1, long[] ta, long b0, long b1, long[] tb) {
    long y0 = 0;
    long y1 = 0;
    long z0 = 0;
    long z1 = 0;
    // The high powers first: the low word's nibbles, then the high word's (see multiply).
    for (int half = 1; half >= 0; half--) {
      long va = half == 1 ? a1 : a0;
      long vb = half == 1 ? b1 : b0;
      for (int shift = 0; shift < 64; shift += 4) {
        int n = (int) (va >>> shift) & 15;
        int m = (int) y1 & 15;
        y1 = ((y1 >>> 4) | (y0 << 60)) ^ ta[2 * n + 1];
        y0 = (y0 >>> 4) ^ REDUCE4[m] ^ ta[2 * n];
        int nb = (int) (vb >>> shift) & 15;
        int mb = (int) z1 & 15;
        z1 = ((z1 >>> 4) | (z0 << 60)) ^ tb[2 * nb + 1];
        z0 = (z0 >>> 4) ^ REDUCE4[mb] ^ tb[2 * nb];
      }
    }
    s[0] = y0 ^ z0;
    s[1] = y1 ^ z1;
  }

  /**
   * s = s · H by Horner's rule over the 32 nibbles of s, highest powers first: z = z · x^4 +
   * T[nibble]. The nibbles of {@code s[1]}, lowest bits first, hold the highest powers.
   */
  private static void multiply(long[] s, long[] t) {
    long z0 = 0;
    long z1 = 0;
    long v = s[1];
    for (int shift = 0; shift < 64; shift += 4) {
      int n = (int) (v >>> shift) & 15;
      int m = (int) z1 & 15;
      z1 = ((z1 >>> 4) | (z0 << 60)) ^ t[2 * n + 1];
      z0 = (z0 >>> 4) ^ REDUCE4[m] ^ t[2 * n];
    }
    v = s[0];
    for (int shift = 0; shift < 64; shift += 4) {
      int n = (int) (v >>> shift) & 15;
      int m = (int) z1 & 15;
      z1 = ((z1 >>> 4) | (z0 << 60)) ^ t[2 * n + 1];
      z0 = (z0 >>> 4) ^ REDUCE4[m] ^ t[2 * n];
    }
    s[0] = z0;
    s[1] = z1;
  }
}
