package io.gmtls.crypto.sm2;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.lang.management.*;
import org.bouncycastle.crypto.params.*;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.*;
/**
 * Ours against BouncyCastle, operation by operation, in thread CPU time and interleaved (20 rounds
 * of A then B per pair), so that a shared, overloaded machine slows both sides alike: the figures
 * of bench/results/sm2.md's second table. In gm-crypto's package for its package-private field and
 * point arithmetic. Run: java -cp tlcp/bench/target/tlcp-benchmarks.jar io.gmtls.crypto.sm2.Sm2CpuCompare
 */
public class Sm2CpuCompare {
  static ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  static long cpu() { return mx.getCurrentThreadCpuTime(); }
  interface Op { void run() throws Exception; }
  static Op prev; static String prevName;
  static void time(String name, int n, Op op) throws Exception {
    if (prev == null) { prev = op; prevName = name; return; }
    long ta = 0, tb = 0;
    for (int r = 0; r < 20; r++) {
      long t0 = cpu();
      for (int i = 0; i < n / 20; i++) prev.run();
      long t1 = cpu();
      for (int i = 0; i < n / 20; i++) op.run();
      long t2 = cpu();
      ta += t1 - t0; tb += t2 - t1;
    }
    System.out.printf("%-22s %8.2f us | %-22s %8.2f us | ratio %.2f%n", prevName, ta / 1e3 / n, name, tb / 1e3 / n, (double) tb / ta);
    prev = null;
  }
  public static void main(String[] a) throws Exception {
    SecureRandom rnd = new SecureRandom();
    ECDomainParameters dp = new ECDomainParameters(CustomNamedCurves.getByName("sm2p256v1"));
    long[] x = Fp.create(); long[] y = Fp.create();
    Fp.fromBigInteger(x, new BigInteger(255, rnd)); Fp.fromBigInteger(y, new BigInteger(255, rnd));
    ECFieldElement fx = dp.getCurve().fromBigInteger(new BigInteger(255, rnd));
    ECFieldElement fy = dp.getCurve().fromBigInteger(new BigInteger(255, rnd));
    Sm2.Private k = Sm2.Private.generate(rnd);
    byte[] z = Sm2.z(Sm2.DEFAULT_USER_ID, k.publicKey());
    byte[] m = new byte[32];
    byte[] sig = Sm2.sign(k, z, m, rnd);
    byte[] c = Sm2.encrypt(k.publicKey(), new byte[48], rnd);
    ECPrivateKeyParameters bpriv = new ECPrivateKeyParameters(k.scalar(), dp);
    ECPublicKeyParameters bpub = new ECPublicKeyParameters(dp.getCurve().decodePoint(k.publicKey().encoded()), dp);
    SM2Signer s = new SM2Signer();
    s.init(true, new ParametersWithID(new ParametersWithRandom(bpriv, rnd), Sm2.DEFAULT_USER_ID));
    SM2Signer v = new SM2Signer();
    v.init(false, new ParametersWithID(bpub, Sm2.DEFAULT_USER_ID));
    SM2Engine dec = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
    dec.init(false, bpriv);
    FixedPointCombMultiplier comb = new FixedPointCombMultiplier();
    BigInteger kk = new BigInteger(250, rnd);
    long[] kl = Fp.limbs(kk);
    Ec.Scratch sc = new Ec.Scratch();
    Ec.Jac r = new Ec.Jac();
    Ec.Jac p = k.publicKey().jacobian();
    ECPoint bq = bpub.getQ();
    for (int round = 0; round < 4; round++) {
      System.out.println("--- load " + new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim());
      final ECFieldElement[] h = {fx};
      time("Fp.mul x1000", 2000, () -> { for (int i = 0; i < 1000; i++) Fp.mul(x, x, y); });
      time("BC field mul x1000", 2000, () -> { for (int i = 0; i < 1000; i++) h[0] = h[0].multiply(fy); });
      time("Ec.mulBase", 5000, () -> Ec.mulBase(r, kl, sc));
      time("BC comb", 5000, () -> comb.multiply(dp.getG(), kk));
      time("Ec.mul (ct var base)", 2000, () -> Ec.mul(r, p, kl, sc));
      time("BC P.multiply", 2000, () -> bq.multiply(kk).normalize());
      time("sign", 5000, () -> Sm2.sign(k, z, m, rnd));
      time("BC sign", 5000, () -> { s.update(m, 0, 32); s.generateSignature(); });
      time("verify (kept key)", 3000, () -> Sm2.verify(k.publicKey(), z, m, sig));
      time("BC verify (kept key)", 3000, () -> { v.update(m, 0, 32); v.verifySignature(sig); });
      time("decrypt", 3000, () -> Sm2.decrypt(k, c));
      time("BC decrypt", 3000, () -> dec.processBlock(c, 0, c.length));
      
    }
  }
}
