package io.gmtls.crypto.sm2;

import java.math.BigInteger;

/**
 * Arithmetic modulo the SM2 prime p = 2^256 - 2^224 - 2^96 + 2^64 - 1, in Montgomery form
 * (R = 2^260) on five 52-bit little-endian limbs ({@code long[5]}, {@link #create}).
 *
 * <p>Why radix 2^52: a limb product is below 2^104, so its low half is {@code a * b & M} and its
 * high half comes from the signed {@link Math#multiplyHigh} with no unsigned correction, and the
 * ten column sums of a product (at most ten 52-bit halves each) fit a long without any carry
 * handling. The 64-bit-limb version this replaces spent most of its time computing carries with
 * masks (Java has no add-with-carry), and was no faster than BouncyCastle's 32-bit code.
 *
 * <p>Why the reduction needs no multiplication: p ≡ -1 (mod 2^52), so each Montgomery step's
 * multiple m is the column's low 52 bits, and in signed radix-2^52 digits
 * p = -1 + (2^12 - 2^44)·2^52 + (2^48 - 2^16)·2^208, so m·p is a handful of shifts.
 *
 * <p>Values are kept <b>loosely reduced</b>: below 2p (not necessarily below p), limbs 0..3 below
 * 2^52, limb 4 below 2^49. Every operation accepts such inputs and returns such outputs. Why: a
 * Montgomery product of values below 2p is already below 1.25p, so the conditional subtraction of
 * p that full reduction needs after every product and every small multiple can go (a serial chain
 * of borrows at the end of each product: its removal made a point doubling ~9 % faster). A value
 * is brought below p only where its representation is observed: {@link #isZero}, {@link #equal}
 * and {@link #toBytes} (so also {@link #toBigInteger}).
 *
 * <p>Every operation here is constant-time: no branch and no memory index depends on a value
 * (carries are arithmetic shifts, selections masks). Output arrays may alias inputs.
 */
final class Fp {

  static final BigInteger P = new BigInteger(
      "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16);
  /** Limbs of a field element. */
  static final int LIMBS = 5;
  private static final long M = (1L << 52) - 1;
  private static final long P0 = 0xFFFFFFFFFFFFFL;
  private static final long P1 = 0xFF00000000FFFL;
  private static final long P2 = 0xFFFFFFFFFFFFFL;
  private static final long P3 = 0xFFFFFFFFFFFFFL;
  private static final long P4 = 0x0FFFFFFFEFFFFL;
  /** 2p in the same limbs: the bound of a loosely reduced value. */
  private static final long Q0 = 0xFFFFFFFFFFFFEL;
  private static final long Q1 = 0xFE00000001FFFL;
  private static final long Q2 = 0xFFFFFFFFFFFFFL;
  private static final long Q3 = 0xFFFFFFFFFFFFFL;
  private static final long Q4 = 0x1FFFFFFFDFFFFL;
  /** R^2 mod p, to enter Montgomery form. */
  private static final long[] R2 = limbs52(BigInteger.ONE.shiftLeft(520).mod(P));
  /** 1 in Montgomery form (R mod p). */
  static final long[] ONE = limbs52(BigInteger.ONE.shiftLeft(260).mod(P));
  private static final long[] PLAIN_ONE = {1, 0, 0, 0, 0};

  private Fp() {}

  /** A new field element (0). */
  static long[] create() {
    return new long[LIMBS];
  }

  /** Bits 52 and up of the (non-negative, below 2^104) product a·b. */
  private static long hi(long a, long b) {
    return (Math.multiplyHigh(a, b) << 12) | ((a * b) >>> 52);
  }

  /** r = a·b·R^-1 mod p. */
  static void mul(long[] r, long[] a, long[] b) {
    final long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    final long b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];
    // Column k collects the low halves of a_i·b_j (i + j = k) and the high halves (i + j = k - 1).
    long c0 = (a0 * b0) & M;
    long c1 = hi(a0, b0) + ((a0 * b1) & M) + ((a1 * b0) & M);
    long c2 = hi(a0, b1) + hi(a1, b0)
        + ((a0 * b2) & M) + ((a1 * b1) & M) + ((a2 * b0) & M);
    long c3 = hi(a0, b2) + hi(a1, b1) + hi(a2, b0)
        + ((a0 * b3) & M) + ((a1 * b2) & M) + ((a2 * b1) & M) + ((a3 * b0) & M);
    long c4 = hi(a0, b3) + hi(a1, b2) + hi(a2, b1) + hi(a3, b0)
        + ((a0 * b4) & M) + ((a1 * b3) & M) + ((a2 * b2) & M) + ((a3 * b1) & M) + ((a4 * b0) & M);
    long c5 = hi(a0, b4) + hi(a1, b3) + hi(a2, b2) + hi(a3, b1) + hi(a4, b0)
        + ((a1 * b4) & M) + ((a2 * b3) & M) + ((a3 * b2) & M) + ((a4 * b1) & M);
    long c6 = hi(a1, b4) + hi(a2, b3) + hi(a3, b2) + hi(a4, b1)
        + ((a2 * b4) & M) + ((a3 * b3) & M) + ((a4 * b2) & M);
    long c7 = hi(a2, b4) + hi(a3, b3) + hi(a4, b2)
        + ((a3 * b4) & M) + ((a4 * b3) & M);
    long c8 = hi(a3, b4) + hi(a4, b3) + ((a4 * b4) & M);
    long c9 = hi(a4, b4);
    reduce(r, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9);
  }

  /** r = a^2·R^-1 mod p: 15 limb products instead of 25. */
  static void sqr(long[] r, long[] a) {
    final long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    // Cross products a_i·a_j (i < j) appear twice: take them with 2·a_i (below 2^53, so the
    // product stays below 2^105 and its high half below 2^53).
    final long d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
    long c0 = (a0 * a0) & M;
    long c1 = hi(a0, a0) + ((d0 * a1) & M);
    long c2 = hi(d0, a1) + ((d0 * a2) & M) + ((a1 * a1) & M);
    long c3 = hi(d0, a2) + hi(a1, a1) + ((d0 * a3) & M) + ((d1 * a2) & M);
    long c4 = hi(d0, a3) + hi(d1, a2) + ((d0 * a4) & M) + ((d1 * a3) & M) + ((a2 * a2) & M);
    long c5 = hi(d0, a4) + hi(d1, a3) + hi(a2, a2) + ((d1 * a4) & M) + ((d2 * a3) & M);
    long c6 = hi(d1, a4) + hi(d2, a3) + ((d2 * a4) & M) + ((a3 * a3) & M);
    long c7 = hi(d2, a4) + hi(a3, a3) + ((d3 * a4) & M);
    long c8 = hi(d3, a4) + ((a4 * a4) & M);
    long c9 = hi(a4, a4);
    reduce(r, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9);
  }

  /**
   * r = c·2^-260 mod p, loosely reduced, for the column sums c0..c9 (each below 2^58) of a
   * product of two loosely reduced values: five Montgomery steps, then carries.
   */
  private static void reduce(long[] r, long c0, long c1, long c2, long c3, long c4, long c5,
      long c6, long c7, long c8, long c9) {
    // Step: m = c_i mod 2^52; c += m·p, p = -1 + (2^12 - 2^44)·2^52 + (2^48 - 2^16)·2^208, which
    // clears column i: c_i - m is a multiple of 2^52, c_i >> 52 (arithmetic, so exact for a
    // negative column too) carries into column i + 1. Columns may go negative in between.
    long m;
    m = c0 & M;
    c1 += (c0 >> 52) + ((m << 12) & M) - ((m << 44) & M);
    c2 += (m >>> 40) - (m >>> 8);
    c4 += ((m << 48) & M) - ((m << 16) & M);
    c5 += (m >>> 4) - (m >>> 36);
    m = c1 & M;
    c2 += (c1 >> 52) + ((m << 12) & M) - ((m << 44) & M);
    c3 += (m >>> 40) - (m >>> 8);
    c5 += ((m << 48) & M) - ((m << 16) & M);
    c6 += (m >>> 4) - (m >>> 36);
    m = c2 & M;
    c3 += (c2 >> 52) + ((m << 12) & M) - ((m << 44) & M);
    c4 += (m >>> 40) - (m >>> 8);
    c6 += ((m << 48) & M) - ((m << 16) & M);
    c7 += (m >>> 4) - (m >>> 36);
    m = c3 & M;
    c4 += (c3 >> 52) + ((m << 12) & M) - ((m << 44) & M);
    c5 += (m >>> 40) - (m >>> 8);
    c7 += ((m << 48) & M) - ((m << 16) & M);
    c8 += (m >>> 4) - (m >>> 36);
    m = c4 & M;
    c5 += (c4 >> 52) + ((m << 12) & M) - ((m << 44) & M);
    c6 += (m >>> 40) - (m >>> 8);
    c8 += ((m << 48) & M) - ((m << 16) & M);
    c9 += (m >>> 4) - (m >>> 36);
    // The value (c5..c9) is now below 1.25p: T < 4p^2 < 2^258·p and m·p < 2^260·p, over
    // R = 2^260 — loosely reduced, so no subtraction of p.
    c6 += c5 >> 52;
    c5 &= M;
    c7 += c6 >> 52;
    c6 &= M;
    c8 += c7 >> 52;
    c7 &= M;
    c9 += c8 >> 52;
    c8 &= M;
    r[0] = c5;
    r[1] = c6;
    r[2] = c7;
    r[3] = c8;
    r[4] = c9;
  }

  /**
   * r = v - m if v ≥ m, else v, for v = (v0..v4) with v0..v3 below 2^52 and 0 ≤ v &lt; 2m, and the
   * modulus m = p or 2p given by its limbs (constants at every call: the JIT folds them).
   */
  private static void subtractOnce(long[] r, long v0, long v1, long v2, long v3, long v4,
      long m0, long m1, long m2, long m3, long m4) {
    long d0 = v0 - m0;
    long d1 = v1 - m1 + (d0 >> 52);
    long d2 = v2 - m2 + (d1 >> 52);
    long d3 = v3 - m3 + (d2 >> 52);
    long d4 = v4 - m4 + (d3 >> 52);
    // v < m exactly when v - m is negative: then keep v.
    long keep = d4 >> 63;
    r[0] = (v0 & keep) | (d0 & M & ~keep);
    r[1] = (v1 & keep) | (d1 & M & ~keep);
    r[2] = (v2 & keep) | (d2 & M & ~keep);
    r[3] = (v3 & keep) | (d3 & M & ~keep);
    r[4] = (v4 & keep) | (d4 & ~keep);
  }

  /** r = a mod p, fully reduced (below p). */
  private static void canonical(long[] r, long[] a) {
    subtractOnce(r, a[0], a[1], a[2], a[3], a[4], P0, P1, P2, P3, P4);
  }

  /** r = a + b mod p: a + b &lt; 4p, less 2p if at least 2p. */
  static void add(long[] r, long[] a, long[] b) {
    long s0 = a[0] + b[0];
    long s1 = a[1] + b[1] + (s0 >>> 52);
    long s2 = a[2] + b[2] + (s1 >>> 52);
    long s3 = a[3] + b[3] + (s2 >>> 52);
    long s4 = a[4] + b[4] + (s3 >>> 52);
    subtractOnce(r, s0 & M, s1 & M, s2 & M, s3 & M, s4, Q0, Q1, Q2, Q3, Q4);
  }

  /** r = a - b mod p: a - b lies in (-2p, 2p), plus 2p if negative. */
  static void sub(long[] r, long[] a, long[] b) {
    long d0 = a[0] - b[0];
    long d1 = a[1] - b[1] + (d0 >> 52);
    long d2 = a[2] - b[2] + (d1 >> 52);
    long d3 = a[3] - b[3] + (d2 >> 52);
    long d4 = a[4] - b[4] + (d3 >> 52);
    // On a negative difference add 2p (masked, not branched).
    long mask = d4 >> 63;
    long s0 = (d0 & M) + (Q0 & mask);
    long s1 = (d1 & M) + (Q1 & mask) + (s0 >>> 52);
    long s2 = (d2 & M) + (Q2 & mask) + (s1 >>> 52);
    long s3 = (d3 & M) + (Q3 & mask) + (s2 >>> 52);
    long s4 = d4 + (Q4 & mask) + (s3 >>> 52);
    r[0] = s0 & M;
    r[1] = s1 & M;
    r[2] = s2 & M;
    r[3] = s3 & M;
    r[4] = s4 & M;
  }

  /**
   * r = c·a mod p for a small public constant 0 ≤ c ≤ 8: one pass instead of a chain of
   * additions (the point formulas multiply by 3, 4 and 8). The bits above 2^256 (c·a &lt; 16p &lt;
   * 2^261: at most 5 of them) fold back with 2^256 ≡ 2^224 + 2^96 - 2^64 + 1 (mod p).
   */
  static void mulSmall(long[] r, long[] a, int c) {
    long v0 = a[0] * c;
    long v1 = a[1] * c + (v0 >>> 52);
    long v2 = a[2] * c + (v1 >>> 52);
    long v3 = a[3] * c + (v2 >>> 52);
    long v4 = a[4] * c + (v3 >>> 52);
    long h = v4 >>> 48;
    v0 = (v0 & M) + h;
    v1 = (v1 & M) + (h << 44) - (h << 12);
    v2 &= M;
    v3 &= M;
    v4 = (v4 & ((1L << 48) - 1)) + (h << 16);
    // Now below 2^256 + 2^230 < 2p (loosely reduced as it is) and non-negative; limb 1 may be
    // negative: signed carries.
    v1 += v0 >> 52;
    v0 &= M;
    v2 += v1 >> 52;
    v1 &= M;
    v3 += v2 >> 52;
    v2 &= M;
    v4 += v3 >> 52;
    v3 &= M;
    r[0] = v0;
    r[1] = v1;
    r[2] = v2;
    r[3] = v3;
    r[4] = v4;
  }

  /** r = -a mod p. */
  static void neg(long[] r, long[] a) {
    sub(r, create(), a);
  }

  /** -1 (all bits set) if a ≡ 0 (mod p), else 0: below 2p, that is a = 0 or a = p. */
  static long isZero(long[] a) {
    long x = a[0] | a[1] | a[2] | a[3] | a[4];
    long y = (a[0] ^ P0) | (a[1] ^ P1) | (a[2] ^ P2) | (a[3] ^ P3) | (a[4] ^ P4);
    return ~((x | -x) >> 63) | ~((y | -y) >> 63);
  }

  /** -1 if a ≡ b (mod p), else 0. */
  static long equal(long[] a, long[] b) {
    long[] d = create();
    sub(d, a, b);
    return isZero(d);
  }

  /** r = mask ? a : r, for mask 0 or -1. */
  static void cmov(long[] r, long[] a, long mask) {
    r[0] ^= (r[0] ^ a[0]) & mask;
    r[1] ^= (r[1] ^ a[1]) & mask;
    r[2] ^= (r[2] ^ a[2]) & mask;
    r[3] ^= (r[3] ^ a[3]) & mask;
    r[4] ^= (r[4] ^ a[4]) & mask;
  }

  static void copy(long[] r, long[] a) {
    System.arraycopy(a, 0, r, 0, LIMBS);
  }

  /** r = a^(2^n), n ≥ 1 squarings (r may be a). */
  private static void sqrN(long[] r, long[] a, int n) {
    sqr(r, a);
    for (int i = 1; i < n; i++) {
      sqr(r, r);
    }
  }

  /**
   * r = a^-1 (0 for 0) by Fermat, a^(p-2), constant-time in a. An addition chain: with
   * x_k = a^(2^k - 1), p - 2 = 2^256 - 2^224 - 2^96 + 2^64 - 3 is, in binary from the top,
   * 31 ones, a zero, 128 ones, 32 zeros, 62 ones, a zero, a one: 256 squarings and 15
   * multiplications (the 4-bit window it replaces took 256 and 79).
   */
  static void inv(long[] r, long[] a) {
    long[] x2 = create();
    long[] x3 = create();
    long[] x6 = create();
    long[] x12 = create();
    long[] x24 = create();
    long[] x30 = create();
    long[] x31 = create();
    long[] x32 = create();
    long[] t = create();
    sqr(t, a);
    mul(x2, t, a);
    sqr(t, x2);
    mul(x3, t, a);
    sqrN(t, x3, 3);
    mul(x6, t, x3);
    sqrN(t, x6, 6);
    mul(x12, t, x6);
    sqrN(t, x12, 12);
    mul(x24, t, x12);
    sqrN(t, x24, 6);
    mul(x30, t, x6);
    sqr(t, x30);
    mul(x31, t, a);
    sqr(t, x31);
    mul(x32, t, a);
    // 31 ones, a zero, then 128 ones as four runs of 32
    long[] acc = create();
    sqrN(acc, x31, 1 + 32);
    mul(acc, acc, x32);
    for (int i = 0; i < 3; i++) {
      sqrN(acc, acc, 32);
      mul(acc, acc, x32);
    }
    // 32 zeros, then 62 ones as two runs of 31
    sqrN(acc, acc, 32 + 31);
    mul(acc, acc, x31);
    sqrN(acc, acc, 31);
    mul(acc, acc, x31);
    // a zero, a one
    sqrN(acc, acc, 2);
    mul(r, acc, a);
  }

  /** Montgomery form of the big-endian 32 bytes at {@code off}; -1 if the value is &lt; p, else 0. */
  static long fromBytes(long[] r, byte[] in, int off) {
    long[] w = new long[4];
    for (int i = 0; i < 4; i++) {
      long v = 0;
      for (int j = 0; j < 8; j++) {
        v = (v << 8) | (in[off + 8 * (3 - i) + j] & 0xFF);
      }
      w[i] = v;
    }
    long[] n = create();
    n[0] = w[0] & M;
    n[1] = ((w[0] >>> 52) | (w[1] << 12)) & M;
    n[2] = ((w[1] >>> 40) | (w[2] << 24)) & M;
    n[3] = ((w[2] >>> 28) | (w[3] << 36)) & M;
    n[4] = w[3] >>> 16;
    long below = (n[0] - P0) >> 52;
    below = (n[1] - P1 + below) >> 52;
    below = (n[2] - P2 + below) >> 52;
    below = (n[3] - P3 + below) >> 52;
    below = (n[4] - P4 + below) >> 63;
    // A value ≥ p is only ever rejected by the caller; reduce it anyway (any 256-bit value is
    // below 2p, so it is loosely reduced already: this is for the caller that ignores the flag).
    canonical(n, n);
    mul(r, n, R2);
    return below;
  }

  /** Big-endian 32 bytes of a (in Montgomery form) at {@code off}, fully reduced. */
  static void toBytes(long[] a, byte[] out, int off) {
    long[] n = create();
    mul(n, a, PLAIN_ONE);
    canonical(n, n);
    long[] w = {
        n[0] | (n[1] << 52),
        (n[1] >>> 12) | (n[2] << 40),
        (n[2] >>> 24) | (n[3] << 28),
        (n[3] >>> 36) | (n[4] << 16)};
    for (int i = 0; i < 4; i++) {
      long v = w[i];
      for (int j = 7; j >= 0; j--) {
        out[off + 8 * (3 - i) + j] = (byte) v;
        v >>>= 8;
      }
    }
  }

  static BigInteger toBigInteger(long[] a) {
    byte[] b = new byte[32];
    toBytes(a, b, 0);
    return new BigInteger(1, b);
  }

  static void fromBigInteger(long[] r, BigInteger v) {
    byte[] b = new byte[32];
    byte[] m = v.toByteArray();
    int n = Math.min(m.length, 32);
    System.arraycopy(m, m.length - n, b, 32 - n, n);
    fromBytes(r, b, 0);
  }

  /** The plain little-endian 64-bit limbs of a scalar v &lt; 2^256 (not a field element). */
  static long[] limbs(BigInteger v) {
    long[] r = new long[4];
    for (int i = 0; i < 4; i++) {
      r[i] = v.shiftRight(64 * i).longValue();
    }
    return r;
  }

  /** The plain 52-bit limbs of v &lt; 2^260. */
  private static long[] limbs52(BigInteger v) {
    long[] r = create();
    for (int i = 0; i < LIMBS; i++) {
      r[i] = v.shiftRight(52 * i).longValue() & M;
    }
    return r;
  }
}
