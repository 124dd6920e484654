package io.gmtls.crypto.sm2;

import java.math.BigInteger;

/**
 * Arithmetic modulo the SM2 prime p = 2^256 - 2^224 - 2^96 + 2^64 - 1, in Montgomery form
 * (R = 2^256) on four 64-bit little-endian limbs ({@code long[4]}).
 *
 * <p>Why Montgomery: p's lowest limb is 2^64 - 1, so -p^-1 mod 2^64 = 1 and each reduction
 * step's multiple is just the lowest limb m; and m·p has the shape m·(2^32-1)(2^160-1) after the
 * shift, so the reduction needs no multiplication at all (only shifts, adds and borrows). The
 * product itself is 16 64×64→128-bit multiplications with {@link Math#multiplyHigh} (Java 17 has
 * no unsignedMultiplyHigh; {@link #umh} derives it).
 *
 * <p>Every operation here is constant-time: no branch and no memory index depends on a value
 * (carries and selections are computed with masks). Inputs are fully reduced (&lt; p) and so are
 * the outputs. Output arrays may alias inputs.
 */
final class Fp {

  static final BigInteger P = new BigInteger(
      "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16);
  private static final long P0 = 0xFFFFFFFFFFFFFFFFL;
  private static final long P1 = 0xFFFFFFFF00000000L;
  private static final long P2 = 0xFFFFFFFFFFFFFFFFL;
  private static final long P3 = 0xFFFFFFFEFFFFFFFFL;
  /** R^2 mod p, to enter Montgomery form. */
  private static final long[] R2 = limbs(BigInteger.ONE.shiftLeft(512).mod(P));
  /** 1 in Montgomery form (R mod p). */
  static final long[] ONE = limbs(BigInteger.ONE.shiftLeft(256).mod(P));
  private static final long[] PLAIN_ONE = {1, 0, 0, 0};

  private Fp() {}

  /** Unsigned high 64 bits of a·b from the signed {@link Math#multiplyHigh}. */
  static long umh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** Carry out of x + y (+ carry in) = s, as 0 or 1 (Hacker's Delight 2-13). */
  static long carry(long x, long y, long s) {
    return ((x & y) | ((x | y) & ~s)) >>> 63;
  }

  /** Borrow out of x - y (- borrow in) = d, as 0 or 1. */
  static long borrow(long x, long y, long d) {
    return ((~x & y) | (~(x ^ y) & d)) >>> 63;
  }

  /** r = a·b·R^-1 mod p. */
  static void mul(long[] r, long[] a, long[] b) {
    final long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    long t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5;
    long lo, hi, s, c, m, d0, d1, d2, d3, bw;
    // round 0: t += a * b[0]
    final long b0 = b[0];
    lo = a0 * b0; hi = umh(a0, b0);
    s = t0 + lo; c = carry(t0, lo, s); t0 = s; hi += c;
    c = hi; lo = a1 * b0; hi = umh(a1, b0);
    s = t1 + lo; hi += carry(t1, lo, s);
    t1 = s + c; hi += carry(s, c, t1);
    c = hi; lo = a2 * b0; hi = umh(a2, b0);
    s = t2 + lo; hi += carry(t2, lo, s);
    t2 = s + c; hi += carry(s, c, t2);
    c = hi; lo = a3 * b0; hi = umh(a3, b0);
    s = t3 + lo; hi += carry(t3, lo, s);
    t3 = s + c; hi += carry(s, c, t3);
    s = t4 + hi; t5 = carry(t4, hi, s); t4 = s;
    // reduce: t = (t >> 64) + m(2^32-1)(2^160-1), m = t0 (p' = 1)
    m = t0;
    d0 = m - (m << 32); bw = borrow(m, m << 32, d0);
    d1 = -(m >>> 32) - bw; bw = borrow(0L, m >>> 32, d1);
    d2 = -(m << 32) - bw; bw = borrow(0L, m << 32, d2);
    d3 = m - (m >>> 32) - bw;
    t0 = t1 + d0; c = carry(t1, d0, t0);
    s = t2 + d1 + c; c = carry(t2, d1, s); t1 = s;
    s = t3 + d2 + c; c = carry(t3, d2, s); t2 = s;
    s = t4 + d3 + c; c = carry(t4, d3, s); t3 = s;
    t4 = t5 + c;
    // round 1: t += a * b[1]
    final long b1 = b[1];
    lo = a0 * b1; hi = umh(a0, b1);
    s = t0 + lo; c = carry(t0, lo, s); t0 = s; hi += c;
    c = hi; lo = a1 * b1; hi = umh(a1, b1);
    s = t1 + lo; hi += carry(t1, lo, s);
    t1 = s + c; hi += carry(s, c, t1);
    c = hi; lo = a2 * b1; hi = umh(a2, b1);
    s = t2 + lo; hi += carry(t2, lo, s);
    t2 = s + c; hi += carry(s, c, t2);
    c = hi; lo = a3 * b1; hi = umh(a3, b1);
    s = t3 + lo; hi += carry(t3, lo, s);
    t3 = s + c; hi += carry(s, c, t3);
    s = t4 + hi; t5 = carry(t4, hi, s); t4 = s;
    // reduce: t = (t >> 64) + m(2^32-1)(2^160-1), m = t0 (p' = 1)
    m = t0;
    d0 = m - (m << 32); bw = borrow(m, m << 32, d0);
    d1 = -(m >>> 32) - bw; bw = borrow(0L, m >>> 32, d1);
    d2 = -(m << 32) - bw; bw = borrow(0L, m << 32, d2);
    d3 = m - (m >>> 32) - bw;
    t0 = t1 + d0; c = carry(t1, d0, t0);
    s = t2 + d1 + c; c = carry(t2, d1, s); t1 = s;
    s = t3 + d2 + c; c = carry(t3, d2, s); t2 = s;
    s = t4 + d3 + c; c = carry(t4, d3, s); t3 = s;
    t4 = t5 + c;
    // round 2: t += a * b[2]
    final long b2 = b[2];
    lo = a0 * b2; hi = umh(a0, b2);
    s = t0 + lo; c = carry(t0, lo, s); t0 = s; hi += c;
    c = hi; lo = a1 * b2; hi = umh(a1, b2);
    s = t1 + lo; hi += carry(t1, lo, s);
    t1 = s + c; hi += carry(s, c, t1);
    c = hi; lo = a2 * b2; hi = umh(a2, b2);
    s = t2 + lo; hi += carry(t2, lo, s);
    t2 = s + c; hi += carry(s, c, t2);
    c = hi; lo = a3 * b2; hi = umh(a3, b2);
    s = t3 + lo; hi += carry(t3, lo, s);
    t3 = s + c; hi += carry(s, c, t3);
    s = t4 + hi; t5 = carry(t4, hi, s); t4 = s;
    // reduce: t = (t >> 64) + m(2^32-1)(2^160-1), m = t0 (p' = 1)
    m = t0;
    d0 = m - (m << 32); bw = borrow(m, m << 32, d0);
    d1 = -(m >>> 32) - bw; bw = borrow(0L, m >>> 32, d1);
    d2 = -(m << 32) - bw; bw = borrow(0L, m << 32, d2);
    d3 = m - (m >>> 32) - bw;
    t0 = t1 + d0; c = carry(t1, d0, t0);
    s = t2 + d1 + c; c = carry(t2, d1, s); t1 = s;
    s = t3 + d2 + c; c = carry(t3, d2, s); t2 = s;
    s = t4 + d3 + c; c = carry(t4, d3, s); t3 = s;
    t4 = t5 + c;
    // round 3: t += a * b[3]
    final long b3 = b[3];
    lo = a0 * b3; hi = umh(a0, b3);
    s = t0 + lo; c = carry(t0, lo, s); t0 = s; hi += c;
    c = hi; lo = a1 * b3; hi = umh(a1, b3);
    s = t1 + lo; hi += carry(t1, lo, s);
    t1 = s + c; hi += carry(s, c, t1);
    c = hi; lo = a2 * b3; hi = umh(a2, b3);
    s = t2 + lo; hi += carry(t2, lo, s);
    t2 = s + c; hi += carry(s, c, t2);
    c = hi; lo = a3 * b3; hi = umh(a3, b3);
    s = t3 + lo; hi += carry(t3, lo, s);
    t3 = s + c; hi += carry(s, c, t3);
    s = t4 + hi; t5 = carry(t4, hi, s); t4 = s;
    // reduce: t = (t >> 64) + m(2^32-1)(2^160-1), m = t0 (p' = 1)
    m = t0;
    d0 = m - (m << 32); bw = borrow(m, m << 32, d0);
    d1 = -(m >>> 32) - bw; bw = borrow(0L, m >>> 32, d1);
    d2 = -(m << 32) - bw; bw = borrow(0L, m << 32, d2);
    d3 = m - (m >>> 32) - bw;
    t0 = t1 + d0; c = carry(t1, d0, t0);
    s = t2 + d1 + c; c = carry(t2, d1, s); t1 = s;
    s = t3 + d2 + c; c = carry(t3, d2, s); t2 = s;
    s = t4 + d3 + c; c = carry(t4, d3, s); t3 = s;
    t4 = t5 + c;
    reduceOnce(r, t0, t1, t2, t3, t4);
  }

  /** r = a^2·R^-1 mod p. */
  static void sqr(long[] r, long[] a) {
    mul(r, a, a);
  }

  /** r = t mod p for t = t4·2^256 + (t3..t0) &lt; 2p. */
  private static void reduceOnce(long[] r, long t0, long t1, long t2, long t3, long t4) {
    long u0 = t0 - P0;
    long bw = borrow(t0, P0, u0);
    long u1 = t1 - P1 - bw;
    bw = borrow(t1, P1, u1);
    long u2 = t2 - P2 - bw;
    bw = borrow(t2, P2, u2);
    long u3 = t3 - P3 - bw;
    bw = borrow(t3, P3, u3);
    // t < p exactly when subtracting p borrows out of the fifth limb too: then keep t.
    long keep = -(borrow(t4, 0, t4 - bw));
    r[0] = (t0 & keep) | (u0 & ~keep);
    r[1] = (t1 & keep) | (u1 & ~keep);
    r[2] = (t2 & keep) | (u2 & ~keep);
    r[3] = (t3 & keep) | (u3 & ~keep);
  }

  /** r = a + b mod p. */
  static void add(long[] r, long[] a, long[] b) {
    long s0 = a[0] + b[0];
    long c = carry(a[0], b[0], s0);
    long s1 = a[1] + b[1] + c;
    c = carry(a[1], b[1], s1);
    long s2 = a[2] + b[2] + c;
    c = carry(a[2], b[2], s2);
    long s3 = a[3] + b[3] + c;
    c = carry(a[3], b[3], s3);
    reduceOnce(r, s0, s1, s2, s3, c);
  }

  /** r = a - b mod p. */
  static void sub(long[] r, long[] a, long[] b) {
    long d0 = a[0] - b[0];
    long bw = borrow(a[0], b[0], d0);
    long d1 = a[1] - b[1] - bw;
    bw = borrow(a[1], b[1], d1);
    long d2 = a[2] - b[2] - bw;
    bw = borrow(a[2], b[2], d2);
    long d3 = a[3] - b[3] - bw;
    bw = borrow(a[3], b[3], d3);
    // On a borrow add p back (masked, not branched).
    long mask = -bw;
    long s0 = d0 + (P0 & mask);
    long c = carry(d0, P0 & mask, s0);
    long s1 = d1 + (P1 & mask) + c;
    c = carry(d1, P1 & mask, s1);
    long s2 = d2 + (P2 & mask) + c;
    c = carry(d2, P2 & mask, s2);
    long s3 = d3 + (P3 & mask) + c;
    r[0] = s0;
    r[1] = s1;
    r[2] = s2;
    r[3] = s3;
  }

  /** r = -a mod p. */
  static void neg(long[] r, long[] a) {
    sub(r, new long[4], a);
  }

  /** -1 (all bits set) if a = 0, else 0. */
  static long isZero(long[] a) {
    long x = a[0] | a[1] | a[2] | a[3];
    return ~((x | -x) >> 63);
  }

  /** -1 if a = b, else 0. */
  static long equal(long[] a, long[] b) {
    long x = (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]);
    return ~((x | -x) >> 63);
  }

  /** r = mask ? a : r, for mask 0 or -1. */
  static void cmov(long[] r, long[] a, long mask) {
    r[0] ^= (r[0] ^ a[0]) & mask;
    r[1] ^= (r[1] ^ a[1]) & mask;
    r[2] ^= (r[2] ^ a[2]) & mask;
    r[3] ^= (r[3] ^ a[3]) & mask;
  }

  static void copy(long[] r, long[] a) {
    System.arraycopy(a, 0, r, 0, 4);
  }

  /** r = a^-1 (0 for 0) by Fermat, a^(p-2), with a fixed 4-bit window: constant-time in a. */
  static void inv(long[] r, long[] a) {
    long[][] table = new long[16][];
    table[0] = ONE.clone();
    table[1] = a.clone();
    for (int i = 2; i < 16; i++) {
      table[i] = new long[4];
      mul(table[i], table[i - 1], a);
    }
    // p - 2, most significant nibble first (the exponent is public: indexing by it is fine).
    long[] e = {P0 - 2, P1, P2, P3};
    long[] acc = ONE.clone();
    for (int i = 63; i >= 0; i--) {
      for (int k = 0; k < 4; k++) {
        sqr(acc, acc);
      }
      int nibble = (int) (e[i >>> 4] >>> ((i & 15) * 4)) & 15;
      mul(acc, acc, table[nibble]);
    }
    copy(r, acc);
  }

  /** r = a^-1 for a public value (variable time). */
  static void invVar(long[] r, long[] a) {
    fromBigInteger(r, toBigInteger(a).modInverse(P));
  }

  /** Montgomery form of the big-endian 32 bytes at {@code off}; -1 if the value is &lt; p, else 0. */
  static long fromBytes(long[] r, byte[] in, int off) {
    for (int i = 0; i < 4; i++) {
      long v = 0;
      for (int j = 0; j < 8; j++) {
        v = (v << 8) | (in[off + 8 * (3 - i) + j] & 0xFF);
      }
      r[i] = v;
    }
    long d0 = r[0] - P0;
    long bw = borrow(r[0], P0, d0);
    long d1 = r[1] - P1 - bw;
    bw = borrow(r[1], P1, d1);
    long d2 = r[2] - P2 - bw;
    bw = borrow(r[2], P2, d2);
    long d3 = r[3] - P3 - bw;
    bw = borrow(r[3], P3, d3);
    long below = -bw;
    // A value ≥ p is only ever rejected by the caller; reduce it anyway so r stays < p.
    long[] reduced = new long[4];
    reduceOnce(reduced, r[0], r[1], r[2], r[3], 0);
    mul(r, reduced, R2);
    return below;
  }

  /** Big-endian 32 bytes of a (in Montgomery form) at {@code off}. */
  static void toBytes(long[] a, byte[] out, int off) {
    long[] n = new long[4];
    mul(n, a, PLAIN_ONE);
    for (int i = 0; i < 4; i++) {
      long v = n[i];
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

  /** The plain (non-Montgomery) limbs of v &lt; 2^256. */
  static long[] limbs(BigInteger v) {
    long[] r = new long[4];
    for (int i = 0; i < 4; i++) {
      r[i] = v.shiftRight(64 * i).longValue();
    }
    return r;
  }
}
