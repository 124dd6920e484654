package io.gmtls.crypto.sm2;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The field arithmetic against BigInteger, on random values and on the edges (0, 1, p-1, 2^k). */
class FpTest {

  private static final BigInteger P = Fp.P;

  private static List<BigInteger> values() {
    Random rnd = new Random(20261207);
    List<BigInteger> v = new ArrayList<>();
    v.add(BigInteger.ZERO);
    v.add(BigInteger.ONE);
    v.add(BigInteger.TWO);
    v.add(P.subtract(BigInteger.ONE));
    v.add(P.subtract(BigInteger.TWO));
    for (int k = 0; k < 256; k += 31) {
      v.add(BigInteger.ONE.shiftLeft(k).mod(P));
      v.add(BigInteger.ONE.shiftLeft(k).subtract(BigInteger.ONE).mod(P));
    }
    v.add(BigInteger.ONE.shiftLeft(224).mod(P));
    v.add(P.shiftRight(1));
    while (v.size() < 400) {
      v.add(new BigInteger(256, rnd).mod(P));
    }
    return v;
  }

  private static long[] m(BigInteger v) {
    long[] r = Fp.create();
    Fp.fromBigInteger(r, v);
    return r;
  }

  @Test
  void mulAddSubAgreeWithBigInteger() {
    List<BigInteger> vs = values();
    long[] r = Fp.create();
    for (int i = 0; i < vs.size(); i++) {
      BigInteger a = vs.get(i);
      assertThat(Fp.toBigInteger(m(a))).isEqualTo(a);
      for (int j = i; j < Math.min(vs.size(), i + 40); j++) {
        BigInteger b = vs.get(j);
        Fp.mul(r, m(a), m(b));
        assertThat(Fp.toBigInteger(r)).as("%s * %s", a, b).isEqualTo(a.multiply(b).mod(P));
        Fp.add(r, m(a), m(b));
        assertThat(Fp.toBigInteger(r)).as("%s + %s", a, b).isEqualTo(a.add(b).mod(P));
        Fp.sub(r, m(a), m(b));
        assertThat(Fp.toBigInteger(r)).as("%s - %s", a, b).isEqualTo(a.subtract(b).mod(P));
        Fp.sub(r, m(b), m(a));
        assertThat(Fp.toBigInteger(r)).isEqualTo(b.subtract(a).mod(P));
      }
    }
  }

  @Test
  void inversionAgreesWithBigInteger() {
    long[] r = Fp.create();
    for (BigInteger a : values()) {
      Fp.inv(r, m(a));
      if (a.signum() == 0) {
        assertThat(Fp.isZero(r)).isEqualTo(-1L);
        continue;
      }
      assertThat(Fp.toBigInteger(r)).isEqualTo(a.modInverse(P));
    }
  }

  @Test
  void valuesAtOrAboveThePrimeAreFlagged() {
    long[] r = Fp.create();
    byte[] pBytes = new byte[32];
    byte[] raw = P.toByteArray();
    System.arraycopy(raw, raw.length - 32, pBytes, 0, 32);
    assertThat(Fp.fromBytes(r, pBytes, 0)).isZero();
    byte[] below = P.subtract(BigInteger.ONE).toByteArray();
    byte[] b = new byte[32];
    System.arraycopy(below, below.length - 32, b, 0, 32);
    assertThat(Fp.fromBytes(r, b, 0)).isEqualTo(-1L);
    byte[] ff = new byte[32];
    java.util.Arrays.fill(ff, (byte) 0xFF);
    assertThat(Fp.fromBytes(r, ff, 0)).isZero();
  }

  /** R = 2^260: the Montgomery radix of the 52-bit limbs. */
  private static final BigInteger R_INV = BigInteger.ONE.shiftLeft(260).modInverse(P);

  /** The raw limbs of v &lt; 2p taken as a Montgomery representation (its value is v·R^-1). */
  private static long[] raw(BigInteger v) {
    long[] r = Fp.create();
    for (int i = 0; i < Fp.LIMBS; i++) {
      r[i] = v.shiftRight(52 * i).longValue() & ((1L << 52) - 1);
    }
    return r;
  }

  /** The raw value of a representation, mod p, after checking that it is loosely reduced. */
  private static BigInteger rawValue(long[] a) {
    BigInteger v = rawUnchecked(a);
    for (int i = 0; i < Fp.LIMBS - 1; i++) {
      assertThat(a[i]).as("limb %d is below 2^52", i).isBetween(0L, (1L << 52) - 1);
    }
    assertThat(a[4]).as("limb 4 is below 2^49").isBetween(0L, (1L << 49) - 1);
    assertThat(v).as("loosely reduced: below 2p").isLessThan(P.shiftLeft(1));
    return v.mod(P);
  }

  private static BigInteger rawUnchecked(long[] a) {
    BigInteger v = BigInteger.ZERO;
    for (int i = Fp.LIMBS - 1; i >= 0; i--) {
      v = v.shiftLeft(52).add(BigInteger.valueOf(a[i]));
    }
    return v;
  }

  /** The other representation of a's value below 2p: its raw value mod p, plus p. */
  private static long[] plusP(long[] a) {
    return raw(rawUnchecked(a).mod(P).add(P));
  }

  /**
   * The column sums and the signed reduction steps at their extremes: representations whose
   * limbs are all 2^52 - 1 (as far as below p allows), single top limbs, p - 1, and random raw
   * limbs below 2p, checked as a·b·R^-1 and a^2·R^-1 against BigInteger, outputs loosely
   * reduced.
   */
  @Test
  void rawMontgomeryProductsAtTheLimbExtremesAgreeWithBigInteger() {
    List<BigInteger> vs = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE,
        P.subtract(BigInteger.ONE), P.subtract(BigInteger.TWO),
        BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE).mod(P),
        BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(208).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(208), BigInteger.ONE.shiftLeft(255),
        P.subtract(BigInteger.ONE.shiftLeft(52)), P.subtract(BigInteger.ONE.shiftLeft(208)),
        // loosely reduced representations, p up to 2p - 1
        P, P.add(BigInteger.ONE), P.shiftLeft(1).subtract(BigInteger.ONE),
        P.add(BigInteger.ONE.shiftLeft(208).subtract(BigInteger.ONE)),
        P.add(BigInteger.ONE.shiftLeft(255))));
    SecureRandom rnd = new SecureRandom();
    while (vs.size() < 300) {
      vs.add(new BigInteger(257, rnd).mod(P.shiftLeft(1)));
    }
    long[] r = Fp.create();
    for (BigInteger a : vs) {
      Fp.sqr(r, raw(a));
      assertThat(rawValue(r)).as("%s^2", a).isEqualTo(a.multiply(a).multiply(R_INV).mod(P));
      assertThat(Fp.isZero(raw(a))).as("%s is 0 mod p", a).isEqualTo(a.mod(P).signum() == 0 ? -1L : 0L);
      for (BigInteger b : vs) {
        Fp.mul(r, raw(a), raw(b));
        assertThat(rawValue(r)).as("%s * %s", a, b)
            .isEqualTo(a.multiply(b).multiply(R_INV).mod(P));
      }
    }
  }

  @Test
  void squaringAgreesWithMultiplication() {
    long[] s = Fp.create();
    long[] t = Fp.create();
    for (BigInteger a : values()) {
      Fp.sqr(s, m(a));
      Fp.mul(t, m(a), m(a));
      assertThat(Fp.equal(s, t)).as("%s", a).isEqualTo(-1L);
      assertThat(Fp.toBigInteger(s)).isEqualTo(a.multiply(a).mod(P));
    }
  }

  @Test
  void smallMultiplesAgreeWithBigInteger() {
    long[] r = Fp.create();
    for (BigInteger a : values()) {
      for (int c = 0; c <= 8; c++) {
        Fp.mulSmall(r, m(a), c);
        assertThat(Fp.toBigInteger(r)).as("%d * %s", c, a)
            .isEqualTo(a.multiply(BigInteger.valueOf(c)).mod(P));
      }
    }
    // Raw limbs at their extremes (up to 2p - 1 as a representation): the fold and the signed
    // carry.
    for (BigInteger a : List.of(P.subtract(BigInteger.ONE), P.subtract(BigInteger.ONE.shiftLeft(52)),
        BigInteger.ONE.shiftLeft(255), P.shiftLeft(1).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(256))) {
      for (int c = 0; c <= 8; c++) {
        Fp.mulSmall(r, raw(a), c);
        assertThat(rawValue(r)).isEqualTo(a.multiply(BigInteger.valueOf(c)).mod(P));
      }
    }
  }

  /**
   * Every operation gives the same value for either representation of its inputs (a and a + p,
   * both below 2p): the invariant that lets products skip the subtraction of p. Results are
   * checked to be loosely reduced, and the comparisons and the encoding to see through the
   * representation.
   */
  @Test
  void bothRepresentationsOfAValueGiveTheSameResults() {
    List<BigInteger> vs = values();
    long[] r = Fp.create();
    long[] q = Fp.create();
    byte[] e1 = new byte[32];
    byte[] e2 = new byte[32];
    for (int i = 0; i < vs.size(); i++) {
      long[] a = m(vs.get(i));
      long[] a2 = plusP(a);
      assertThat(Fp.equal(a, a2)).isEqualTo(-1L);
      assertThat(Fp.isZero(a2)).isEqualTo(Fp.isZero(a));
      Fp.toBytes(a, e1, 0);
      Fp.toBytes(a2, e2, 0);
      assertThat(e2).isEqualTo(e1);
      Fp.sqr(r, a);
      Fp.sqr(q, a2);
      assertThat(rawValue(q)).isEqualTo(rawValue(r));
      Fp.inv(r, a);
      Fp.inv(q, a2);
      assertThat(rawValue(q)).isEqualTo(rawValue(r));
      for (int c = 0; c <= 8; c++) {
        Fp.mulSmall(r, a, c);
        Fp.mulSmall(q, a2, c);
        assertThat(rawValue(q)).isEqualTo(rawValue(r));
      }
      for (int j = i; j < Math.min(vs.size(), i + 20); j++) {
        long[] b = m(vs.get(j));
        long[] b2 = plusP(b);
        Fp.mul(r, a, b);
        Fp.mul(q, a2, b2);
        assertThat(rawValue(q)).isEqualTo(rawValue(r));
        Fp.add(r, a, b);
        Fp.add(q, a2, b2);
        assertThat(rawValue(q)).isEqualTo(rawValue(r));
        Fp.sub(r, a, b);
        Fp.sub(q, a2, b);
        assertThat(rawValue(q)).isEqualTo(rawValue(r));
        Fp.sub(q, a, b2);
        assertThat(rawValue(q)).isEqualTo(rawValue(r));
        assertThat(Fp.equal(a2, b)).isEqualTo(Fp.equal(a, b2)).isEqualTo(Fp.equal(a, b));
      }
    }
    // p itself is 0, 2p - 1 is p - 1
    assertThat(Fp.isZero(raw(P))).isEqualTo(-1L);
    assertThat(Fp.equal(raw(P.shiftLeft(1).subtract(BigInteger.ONE)), raw(P.subtract(BigInteger.ONE))))
        .isEqualTo(-1L);
  }
}
