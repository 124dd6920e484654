package io.gmtls.crypto.sm2;

import java.math.BigInteger;

/**
 * Points of sm2p256v1 (y^2 = x^3 - 3x + b over {@link Fp}) in Jacobian coordinates, and the
 * scalar multiplications SM2 needs.
 *
 * <p>Two families, never mixed up:
 * <ul>
 *   <li><b>secret scalars</b> ({@link #mulBase}, {@link #mul}): fixed windows, every table entry
 *       read for every lookup (masked), no branch on the scalar or on an intermediate point;
 *       the special cases of the addition formulas (an operand at infinity) are selected by
 *       masks, and the others (P = ±Q) cannot occur for a scalar below n and a point of order n
 *       (the curve's cofactor is 1) — see each method;</li>
 *   <li><b>public scalars</b> ({@link #mulAddVar}, signature verification): interleaved wNAF,
 *       or, for a key kept for many verifications, fixed windows from its own table
 *       ({@link #mulAddKeptVar}); variable time, every special case handled by branching.</li>
 * </ul>
 * A point is three Montgomery field elements ({@link Fp#create}); Z = 0 is the point at infinity.
 */
final class Ec {

  static final BigInteger N = new BigInteger(
      "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16);
  static final BigInteger B_INT = new BigInteger(
      "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16);
  static final BigInteger GX_INT = new BigInteger(
      "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16);
  static final BigInteger GY_INT = new BigInteger(
      "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0", 16);
  static final long[] B = mont(B_INT);
  static final long[] GX = mont(GX_INT);
  static final long[] GY = mont(GY_INT);
  /** 0, never written. */
  private static final long[] ZERO = Fp.create();

  /** Bits per window of the fixed-base table. */
  private static final int BASE_W = 6;
  private static final int BASE_WINDOWS = (256 + BASE_W - 1) / BASE_W;
  private static final int BASE_ENTRIES = (1 << BASE_W) - 1;
  /**
   * BASE[((i·BASE_ENTRIES) + j - 1)·2·LIMBS ...]: affine x, y of (j·2^(BASE_W·i))·G, j = 1..63, for
   * every window i. 43 × 63 points, 217 KB, computed once.
   */
  private static final long[] BASE;
  /** wNAF width for G in verification and its table of odd multiples G, 3G, ..., 127G (affine). */
  private static final int G_WNAF = 8;
  private static final long[][] G_ODD;
  /** wNAF width for a public key in verification (8 odd multiples, cached per key). */
  static final int Q_WNAF = 5;

  static {
    BASE = new long[BASE_WINDOWS * BASE_ENTRIES * 2 * Fp.LIMBS];
    Scratch s = new Scratch();
    Jac b = Jac.affine(GX, GY);
    Jac acc = new Jac();
    long[] x = Fp.create();
    long[] y = Fp.create();
    for (int i = 0; i < BASE_WINDOWS; i++) {
      acc.set(b);
      for (int j = 1; j <= BASE_ENTRIES; j++) {
        if (j > 1) {
          addVar(acc, acc, b, s);
        }
        toAffine(acc, x, y);
        int o = (i * BASE_ENTRIES + j - 1) * 2 * Fp.LIMBS;
        System.arraycopy(x, 0, BASE, o, Fp.LIMBS);
        System.arraycopy(y, 0, BASE, o + Fp.LIMBS, Fp.LIMBS);
      }
      for (int k = 0; k < BASE_W; k++) {
        dbl(b, b, s);
      }
    }
    G_ODD = oddMultiples(GX, GY, G_WNAF);
  }

  private Ec() {}

  static long[] mont(BigInteger v) {
    long[] r = Fp.create();
    Fp.fromBigInteger(r, v);
    return r;
  }

  /** A Jacobian point, mutable. */
  static final class Jac {
    final long[] x = Fp.create();
    final long[] y = Fp.create();
    final long[] z = Fp.create();

    static Jac affine(long[] ax, long[] ay) {
      Jac p = new Jac();
      Fp.copy(p.x, ax);
      Fp.copy(p.y, ay);
      Fp.copy(p.z, Fp.ONE);
      return p;
    }

    void set(Jac o) {
      Fp.copy(x, o.x);
      Fp.copy(y, o.y);
      Fp.copy(z, o.z);
    }

    void setInfinity() {
      Fp.copy(x, Fp.ONE);
      Fp.copy(y, Fp.ONE);
      java.util.Arrays.fill(z, 0);
    }

    boolean isInfinity() {
      return Fp.isZero(z) != 0;
    }

    void cmov(Jac o, long mask) {
      Fp.cmov(x, o.x, mask);
      Fp.cmov(y, o.y, mask);
      Fp.cmov(z, o.z, mask);
    }
  }

  /** Temporaries of the point formulas: one per scalar multiplication, never shared. */
  static final class Scratch {
    final long[] t1 = Fp.create();
    final long[] t2 = Fp.create();
    final long[] t3 = Fp.create();
    final long[] t4 = Fp.create();
    final long[] t5 = Fp.create();
    final long[] t6 = Fp.create();
    final long[] t7 = Fp.create();
    final long[] t8 = Fp.create();
    final long[] qx = Fp.create();
    final long[] qy = Fp.create();
    final Jac r = new Jac();
    final Jac q = new Jac();
  }

  /** (x, y) affine of p (must not be infinity); constant-time inversion. */
  static void toAffine(Jac p, long[] x, long[] y) {
    long[] zi = Fp.create();
    long[] zi2 = Fp.create();
    Fp.inv(zi, p.z);
    Fp.sqr(zi2, zi);
    Fp.mul(x, p.x, zi2);
    Fp.mul(zi2, zi2, zi);
    Fp.mul(y, p.y, zi2);
  }

  /**
   * r = 2p ("dbl-2001-b", a = -3: 3M + 5S). Infinity doubles to infinity (Z stays 0); there is
   * no point of order 2. r may be p.
   */
  static void dbl(Jac r, Jac p, Scratch s) {
    long[] delta = s.t1;
    long[] gamma = s.t2;
    long[] beta = s.t3;
    long[] alpha = s.t4;
    long[] t = s.t5;
    long[] u = s.t6;
    Fp.sqr(delta, p.z);
    Fp.sqr(gamma, p.y);
    Fp.mul(beta, p.x, gamma);
    Fp.sub(t, p.x, delta);
    Fp.add(u, p.x, delta);
    Fp.mul(t, t, u);
    Fp.mulSmall(alpha, t, 3);
    // Z3 = (Y1 + Z1)^2 - gamma - delta, before Y and Z are overwritten
    Fp.add(t, p.y, p.z);
    Fp.sqr(t, t);
    Fp.sub(t, t, gamma);
    Fp.sub(r.z, t, delta);
    // X3 = alpha^2 - 8 beta
    Fp.mulSmall(beta, beta, 4);
    Fp.sqr(t, alpha);
    Fp.add(u, beta, beta);
    Fp.sub(r.x, t, u);
    // Y3 = alpha (4 beta - X3) - 8 gamma^2
    Fp.sub(beta, beta, r.x);
    Fp.mul(beta, beta, alpha);
    Fp.sqr(gamma, gamma);
    Fp.mulSmall(gamma, gamma, 8);
    Fp.sub(r.y, beta, gamma);
  }

  /**
   * r = p + (qx, qy) ("madd-2007-bl", 7M + 4S) for p ≠ ±q and p not at infinity; the caller
   * handles those cases. r may be p.
   */
  static void madd(Jac r, Jac p, long[] qx, long[] qy, Scratch s) {
    long[] z1z1 = s.t1;
    long[] u2 = s.t2;
    long[] s2 = s.t3;
    long[] h = s.t4;
    Fp.sqr(z1z1, p.z);
    Fp.mul(u2, qx, z1z1);
    Fp.mul(s2, qy, p.z);
    Fp.mul(s2, s2, z1z1);
    Fp.sub(h, u2, p.x);
    Fp.sub(s2, s2, p.y);
    maddTail(r, p, z1z1, h, s2, s);
  }

  /**
   * The rest of {@link #madd} from Z1Z1, H = U2 - X1 and S2 - Y1 (in s.t1, s.t4, s.t3).
   */
  private static void maddTail(Jac r, Jac p, long[] z1z1, long[] h, long[] s2, Scratch s) {
    long[] u2 = s.t2;
    long[] hh = s.t5;
    long[] i = s.t6;
    long[] j = s.t7;
    long[] v = s.t8;
    Fp.sqr(hh, h);
    Fp.mulSmall(i, hh, 4);
    Fp.mul(j, h, i);
    Fp.add(s2, s2, s2); // r = 2 (S2 - Y1)
    Fp.mul(v, p.x, i);
    // Z3 = (Z1 + H)^2 - Z1Z1 - HH
    Fp.add(u2, p.z, h);
    Fp.sqr(u2, u2);
    Fp.sub(u2, u2, z1z1);
    Fp.sub(r.z, u2, hh);
    // Y1 J before Y1 is overwritten
    Fp.mul(i, p.y, j);
    // X3 = r^2 - J - 2V
    Fp.sqr(u2, s2);
    Fp.sub(u2, u2, j);
    Fp.sub(u2, u2, v);
    Fp.sub(r.x, u2, v);
    // Y3 = r (V - X3) - 2 Y1 J
    Fp.sub(v, v, r.x);
    Fp.mul(v, v, s2);
    Fp.add(i, i, i);
    Fp.sub(r.y, v, i);
  }

  /**
   * r = p + q ("add-2007-bl", 11M + 5S) for p ≠ ±q, neither at infinity; the caller handles
   * those cases. r may be p or q. Returns nothing about the special cases: see {@link #addVar}.
   */
  static void add(Jac r, Jac p, Jac q, Scratch s) {
    long[] z1z1 = s.t1;
    long[] z2z2 = s.t2;
    long[] u1 = s.t3;
    long[] u2 = s.t4;
    long[] s1 = s.t5;
    long[] s2 = s.t6;
    long[] h = s.t7;
    long[] t = s.t8;
    Fp.sqr(z1z1, p.z);
    Fp.sqr(z2z2, q.z);
    Fp.mul(u1, p.x, z2z2);
    Fp.mul(u2, q.x, z1z1);
    Fp.mul(s1, p.y, q.z);
    Fp.mul(s1, s1, z2z2);
    Fp.mul(s2, q.y, p.z);
    Fp.mul(s2, s2, z1z1);
    Fp.sub(h, u2, u1);
    Fp.sub(s2, s2, s1);
    Fp.add(s2, s2, s2); // r = 2 (S2 - S1)
    // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
    Fp.add(t, p.z, q.z);
    Fp.sqr(t, t);
    Fp.sub(t, t, z1z1);
    Fp.sub(t, t, z2z2);
    Fp.mul(r.z, t, h);
    // I = (2H)^2, J = H I, V = U1 I
    long[] i = z1z1;
    long[] j = z2z2;
    Fp.add(i, h, h);
    Fp.sqr(i, i);
    Fp.mul(j, h, i);
    Fp.mul(u1, u1, i); // V
    // X3 = r^2 - J - 2V
    Fp.sqr(t, s2);
    Fp.sub(t, t, j);
    Fp.sub(t, t, u1);
    Fp.sub(r.x, t, u1);
    // Y3 = r (V - X3) - 2 S1 J
    Fp.sub(u1, u1, r.x);
    Fp.mul(u1, u1, s2);
    Fp.mul(s1, s1, j);
    Fp.add(s1, s1, s1);
    Fp.sub(r.y, u1, s1);
  }

  /** r = p + q for any p, q (variable time: for public values only). r may be p or q. */
  static void addVar(Jac r, Jac p, Jac q, Scratch s) {
    if (p.isInfinity()) {
      r.set(q);
      return;
    }
    if (q.isInfinity()) {
      r.set(p);
      return;
    }
    // Same x (U1 = U2)? then p = q (double) or p = -q (infinity).
    long[] z1z1 = Fp.create();
    long[] z2z2 = Fp.create();
    long[] a = Fp.create();
    long[] b = Fp.create();
    Fp.sqr(z1z1, p.z);
    Fp.sqr(z2z2, q.z);
    Fp.mul(a, p.x, z2z2);
    Fp.mul(b, q.x, z1z1);
    if (Fp.equal(a, b) != 0) {
      Fp.mul(a, p.y, q.z);
      Fp.mul(a, a, z2z2);
      Fp.mul(b, q.y, p.z);
      Fp.mul(b, b, z1z1);
      if (Fp.equal(a, b) != 0) {
        dbl(r, p, s);
      } else {
        r.setInfinity();
      }
      return;
    }
    add(r, p, q, s);
  }

  /**
   * r = p + (qx, qy) for any p (variable time: public values only). r may be p. The test for
   * the special cases (H = 0: p = ±q) reuses the formula's own U2, S2, so it costs nothing.
   */
  static void maddVar(Jac r, Jac p, long[] qx, long[] qy, Scratch s) {
    if (p.isInfinity()) {
      Fp.copy(r.x, qx);
      Fp.copy(r.y, qy);
      Fp.copy(r.z, Fp.ONE);
      return;
    }
    long[] z1z1 = s.t1;
    long[] u2 = s.t2;
    long[] s2 = s.t3;
    long[] h = s.t4;
    Fp.sqr(z1z1, p.z);
    Fp.mul(u2, qx, z1z1);
    Fp.mul(s2, qy, p.z);
    Fp.mul(s2, s2, z1z1);
    Fp.sub(h, u2, p.x);
    Fp.sub(s2, s2, p.y);
    if (Fp.isZero(h) != 0) {
      if (Fp.isZero(s2) != 0) {
        dbl(r, p, s);
      } else {
        r.setInfinity();
      }
      return;
    }
    maddTail(r, p, z1z1, h, s2, s);
  }

  /** Bits [w·i, w·i + w) of the plain little-endian scalar k (positions are public). */
  private static int window(long[] k, int i, int w) {
    int bit = w * i;
    int limb = bit >>> 6;
    int shift = bit & 63;
    long v = k[limb] >>> shift;
    if (shift + w > 64 && limb + 1 < 4) {
      v |= k[limb + 1] << (64 - shift);
    }
    return (int) v & ((1 << w) - 1);
  }

  /** -1 if a = b, else 0, without a branch. */
  private static long eqMask(int a, int b) {
    long x = a ^ b;
    return ~((x | -x) >> 63);
  }

  /**
   * r = k·G for a secret scalar 0 &lt; k &lt; n (plain little-endian limbs), constant-time: one
   * mixed addition per 6-bit window from the precomputed table, every entry of the window's row
   * read. No P = ±Q case: before window i the accumulator is m·G with 0 &lt; m &lt; 2^(6i), the
   * added point d·2^(6i)·G, and m ± d·2^(6i) lies strictly between -n and n without being 0 —
   * it's at most a prefix of k &lt; n.
   */
  static void mulBase(Jac r, long[] k, Scratch s) {
    r.setInfinity();
    Jac sum = s.r;
    for (int i = 0; i < BASE_WINDOWS; i++) {
      int d = window(k, i, BASE_W);
      java.util.Arrays.fill(s.qx, 0);
      java.util.Arrays.fill(s.qy, 0);
      int row = i * BASE_ENTRIES * 2 * Fp.LIMBS;
      for (int j = 1; j <= BASE_ENTRIES; j++) {
        long m = eqMask(j, d);
        int o = row + (j - 1) * 2 * Fp.LIMBS;
        for (int l = 0; l < Fp.LIMBS; l++) {
          s.qx[l] |= BASE[o + l] & m;
          s.qy[l] |= BASE[o + Fp.LIMBS + l] & m;
        }
      }
      madd(sum, r, s.qx, s.qy, s);
      long rInf = Fp.isZero(r.z);
      Fp.cmov(sum.x, s.qx, rInf);
      Fp.cmov(sum.y, s.qy, rInf);
      Fp.cmov(sum.z, Fp.ONE, rInf);
      sum.cmov(r, eqMask(d, 0));
      r.set(sum);
    }
  }

  /**
   * r = k·p for a secret scalar 0 &lt; k &lt; n and a point p of order n (any valid point other
   * than infinity), constant-time: fixed 4-bit windows from the top, 4 doublings and one mixed
   * addition of a masked lookup from {p, 2p, ..., 15p} per window (every entry read). The table
   * is made affine with one inversion (of multiples of the public p: nothing about k is in
   * it). No P = ±Q case: the accumulator is 16m·p
   * with 16m + d a prefix of k, so 0 &lt; 16m ± d &lt; n whenever m &gt; 0; m = 0 (the
   * accumulator at infinity) is selected by masks.
   */
  static void mul(Jac r, Jac p, long[] k, Scratch s) {
    Jac[] pts = new Jac[15];
    pts[0] = new Jac();
    pts[0].set(p);
    for (int j = 1; j < 15; j++) {
      // pts[j] = (j + 1)·p
      pts[j] = new Jac();
      if ((j & 1) == 1) {
        dbl(pts[j], pts[j / 2], s);
      } else {
        add(pts[j], pts[j - 1], pts[0], s);
      }
    }
    long[] table = new long[15 * 2 * Fp.LIMBS];
    toAffineVar(pts, table);
    r.setInfinity();
    Jac sum = s.r;
    for (int i = 63; i >= 0; i--) {
      for (int k2 = 0; k2 < 4; k2++) {
        dbl(r, r, s);
      }
      int d = window(k, i, 4);
      lookup(table, 0, 15, d, s.qx, s.qy);
      madd(sum, r, s.qx, s.qy, s);
      long rInf = Fp.isZero(r.z);
      Fp.cmov(sum.x, s.qx, rInf);
      Fp.cmov(sum.y, s.qy, rInf);
      Fp.cmov(sum.z, Fp.ONE, rInf);
      sum.cmov(r, eqMask(d, 0));
      r.set(sum);
    }
  }

  /**
   * (x, y) = entry d (1-based; 0 gives zeros) of the affine table of {@code entries} points at
   * {@code row}, reading every entry (masked): the index may be secret.
   */
  private static void lookup(long[] table, int row, int entries, int d, long[] x, long[] y) {
    java.util.Arrays.fill(x, 0);
    java.util.Arrays.fill(y, 0);
    for (int j = 1; j <= entries; j++) {
      long m = eqMask(j, d);
      int o = row + (j - 1) * 2 * Fp.LIMBS;
      for (int l = 0; l < Fp.LIMBS; l++) {
        x[l] |= table[o + l] & m;
        y[l] |= table[o + Fp.LIMBS + l] & m;
      }
    }
  }

  /**
   * Affine x, y of public points (none at infinity) into {@code out} ({x0, y0, x1, y1, ...}, each
   * {@link Fp#LIMBS} longs) with a single inversion (Montgomery's trick: invert the product of all
   * Z, then peel each Z^-1 off with two multiplications). The field's own inversion, although the
   * values are public: as fast as BigInteger's in isolation (~9 µs), and in the gateway, where
   * BigInteger's code is shared with certificate handling, it was 5 % of a full handshake's
   * event-loop samples for two calls.
   */
  static void toAffineVar(Jac[] pts, long[] out) {
    int n = pts.length;
    long[][] prefix = new long[n][];
    prefix[0] = pts[0].z.clone();
    for (int i = 1; i < n; i++) {
      prefix[i] = Fp.create();
      Fp.mul(prefix[i], prefix[i - 1], pts[i].z);
    }
    long[] inv = Fp.create();
    Fp.inv(inv, prefix[n - 1]);
    long[] zi = Fp.create();
    long[] zi2 = Fp.create();
    long[] t = Fp.create();
    for (int i = n - 1; i >= 0; i--) {
      if (i > 0) {
        Fp.mul(zi, inv, prefix[i - 1]);
        Fp.mul(inv, inv, pts[i].z);
      } else {
        Fp.copy(zi, inv);
      }
      Fp.sqr(zi2, zi);
      Fp.mul(t, pts[i].x, zi2);
      System.arraycopy(t, 0, out, 2 * i * Fp.LIMBS, Fp.LIMBS);
      Fp.mul(zi2, zi2, zi);
      Fp.mul(t, pts[i].y, zi2);
      System.arraycopy(t, 0, out, (2 * i + 1) * Fp.LIMBS, Fp.LIMBS);
    }
  }

  /** Odd multiples p, 3p, ..., (2^(w-1) - 1)p of an affine point, affine: {x0, y0, x1, y1, ...}. */
  static long[][] oddMultiples(long[] px, long[] py, int w) {
    int count = 1 << (w - 2);
    Scratch s = new Scratch();
    Jac[] pts = new Jac[count];
    pts[0] = Jac.affine(px, py);
    Jac twice = new Jac();
    dbl(twice, pts[0], s);
    for (int i = 1; i < count; i++) {
      // (2i - 1)p + 2p: never equal or opposite (2i + 1 < n), never infinity.
      pts[i] = new Jac();
      add(pts[i], pts[i - 1], twice, s);
    }
    long[] flat = new long[2 * count * Fp.LIMBS];
    toAffineVar(pts, flat);
    long[][] out = new long[2 * count][];
    for (int i = 0; i < 2 * count; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * Fp.LIMBS, (i + 1) * Fp.LIMBS);
    }
    return out;
  }

  /** Bits per window of a kept public key's table ({@link #keptTable}). */
  private static final int KEPT_W = 4;
  private static final int KEPT_WINDOWS = 256 / KEPT_W;
  private static final int KEPT_ENTRIES = (1 << KEPT_W) - 1;

  /**
   * The fixed-window table of a public point that verifies many signatures (a CA's key), as
   * {@link #BASE} is G's: affine j·2^(4i)·q for j = 1..15 and every 4-bit window i, 960 points
   * (77 KB), about a millisecond to build. With it t·q takes 64 mixed additions and no doubling
   * (the wNAF path: 256 doublings), which is how BouncyCastle's verification of a kept key
   * (its fixed-point comb, once a point is "promoted") got ahead.
   */
  static long[] keptTable(long[] qx, long[] qy) {
    Scratch s = new Scratch();
    Jac[] pts = new Jac[KEPT_WINDOWS * KEPT_ENTRIES];
    Jac b = Jac.affine(qx, qy);
    for (int i = 0; i < KEPT_WINDOWS; i++) {
      int row = i * KEPT_ENTRIES;
      pts[row] = b;
      for (int j = 1; j < KEPT_ENTRIES; j++) {
        // pts[row + j] = (j + 1)·b: b ≠ ±j·b for 2 ≤ j ≤ 14 (b has order n).
        Jac p = new Jac();
        if ((j & 1) == 1) {
          dbl(p, pts[row + j / 2], s);
        } else {
          add(p, pts[row + j - 1], b, s);
        }
        pts[row + j] = p;
      }
      Jac next = new Jac();
      dbl(next, pts[row + 7], s); // 16·b
      b = next;
    }
    long[] out = new long[pts.length * 2 * Fp.LIMBS];
    toAffineVar(pts, out);
    return out;
  }

  /**
   * r = u1·G + u2·q for public scalars (plain little-endian limbs, below 2^256) with q's
   * {@link #keptTable}: one mixed addition per non-zero window of either scalar from the two
   * fixed-base tables, no doubling. Variable time; the special cases (equal or opposite points,
   * infinity) are handled by {@link #maddVar}.
   */
  static void mulAddKeptVar(Jac r, long[] u1, long[] qTable, long[] u2) {
    Scratch s = new Scratch();
    r.setInfinity();
    for (int i = 0; i < BASE_WINDOWS; i++) {
      int d = window(u1, i, BASE_W);
      if (d != 0) {
        addEntry(r, BASE, (i * BASE_ENTRIES + d - 1) * 2 * Fp.LIMBS, s);
      }
    }
    for (int i = 0; i < KEPT_WINDOWS; i++) {
      int d = window(u2, i, KEPT_W);
      if (d != 0) {
        addEntry(r, qTable, (i * KEPT_ENTRIES + d - 1) * 2 * Fp.LIMBS, s);
      }
    }
  }

  private static void addEntry(Jac r, long[] table, int o, Scratch s) {
    System.arraycopy(table, o, s.qx, 0, Fp.LIMBS);
    System.arraycopy(table, o + Fp.LIMBS, s.qy, 0, Fp.LIMBS);
    maddVar(r, r, s.qx, s.qy, s);
  }

  /** Width-w NAF of 0 ≤ k &lt; 2^256, least significant digit first (257 digits). */
  static int[] wnaf(BigInteger k, int w) {
    int[] digits = new int[258];
    long[] v = new long[5];
    long[] l = Fp.limbs(k);
    System.arraycopy(l, 0, v, 0, 4);
    int mod = 1 << w;
    for (int i = 0; i < digits.length; i++) {
      if ((v[0] & 1) != 0) {
        int d = (int) (v[0] & (mod - 1));
        if (d >= mod / 2) {
          d -= mod;
        }
        digits[i] = d;
        // v -= d (d odd, |d| < 2^(w-1)); v stays non-negative.
        long dl = d;
        if (dl > 0) {
          long old = v[0];
          v[0] -= dl;
          long bw = Long.compareUnsigned(old, dl) < 0 ? 1 : 0;
          for (int j = 1; j < 5 && bw != 0; j++) {
            bw = v[j] == 0 ? 1 : 0;
            v[j]--;
          }
        } else {
          long old = v[0];
          v[0] -= dl;
          long c = Long.compareUnsigned(v[0], old) < 0 ? 1 : 0;
          for (int j = 1; j < 5 && c != 0; j++) {
            v[j]++;
            c = v[j] == 0 ? 1 : 0;
          }
        }
      }
      // v >>= 1
      for (int j = 0; j < 4; j++) {
        v[j] = (v[j] >>> 1) | (v[j + 1] << 63);
      }
      v[4] >>>= 1;
    }
    return digits;
  }

  /**
   * r = u1·G + u2·Q for public scalars (signature verification): interleaved wNAF, shared
   * doublings, variable time. {@code qOdd} are Q's odd multiples ({@link #oddMultiples}, width
   * {@link #Q_WNAF}).
   */
  static void mulAddVar(Jac r, BigInteger u1, long[][] qOdd, BigInteger u2) {
    Scratch s = new Scratch();
    int[] n1 = wnaf(u1, G_WNAF);
    int[] n2 = wnaf(u2, Q_WNAF);
    int top = n1.length - 1;
    while (top >= 0 && n1[top] == 0 && n2[top] == 0) {
      top--;
    }
    r.setInfinity();
    long[] ny = Fp.create();
    for (int i = top; i >= 0; i--) {
      if (!r.isInfinity()) {
        dbl(r, r, s);
      }
      addDigit(r, n1[i], G_ODD, ny, s);
      addDigit(r, n2[i], qOdd, ny, s);
    }
  }

  /** r = k·Q for a public scalar k (variable time); {@code qOdd} as in {@link #mulAddVar}. */
  static void mulVar(Jac r, BigInteger k, long[][] qOdd) {
    Scratch s = new Scratch();
    int[] n = wnaf(k, Q_WNAF);
    r.setInfinity();
    long[] ny = Fp.create();
    for (int i = n.length - 1; i >= 0; i--) {
      if (!r.isInfinity()) {
        dbl(r, r, s);
      }
      addDigit(r, n[i], qOdd, ny, s);
    }
  }

  private static void addDigit(Jac r, int d, long[][] odd, long[] ny, Scratch s) {
    if (d > 0) {
      maddVar(r, r, odd[d - 1], odd[d], s);
    } else if (d < 0) {
      int idx = -d - 1;
      Fp.sub(ny, ZERO, odd[idx + 1]);
      maddVar(r, r, odd[idx], ny, s);
    }
  }

  /** Whether (x, y) (Montgomery) satisfies y^2 = x^3 - 3x + b. */
  static boolean onCurve(long[] x, long[] y) {
    long[] l = Fp.create();
    long[] rhs = Fp.create();
    long[] t = Fp.create();
    Fp.sqr(l, y);
    Fp.sqr(rhs, x);
    Fp.mul(rhs, rhs, x);
    Fp.add(t, x, x);
    Fp.add(t, t, x);
    Fp.sub(rhs, rhs, t);
    Fp.add(rhs, rhs, B);
    return Fp.equal(l, rhs) != 0;
  }
}
