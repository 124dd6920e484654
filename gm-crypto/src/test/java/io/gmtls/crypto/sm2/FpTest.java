package io.gmtls.crypto.sm2;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
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
    long[] r = new long[4];
    Fp.fromBigInteger(r, v);
    return r;
  }

  @Test
  void mulAddSubAgreeWithBigInteger() {
    List<BigInteger> vs = values();
    long[] r = new long[4];
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
  void inversionByFermatAndVariableTimeAgree() {
    long[] r = new long[4];
    long[] v = new long[4];
    for (BigInteger a : values()) {
      Fp.inv(r, m(a));
      if (a.signum() == 0) {
        assertThat(Fp.isZero(r)).isEqualTo(-1L);
        continue;
      }
      assertThat(Fp.toBigInteger(r)).isEqualTo(a.modInverse(P));
      Fp.invVar(v, m(a));
      assertThat(Fp.equal(r, v)).isEqualTo(-1L);
    }
  }

  @Test
  void valuesAtOrAboveThePrimeAreFlagged() {
    long[] r = new long[4];
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
}
