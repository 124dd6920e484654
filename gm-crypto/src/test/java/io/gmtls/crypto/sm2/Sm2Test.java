package io.gmtls.crypto.sm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.junit.jupiter.api.Test;

/**
 * SM2 on our arithmetic: the known-answer examples of GB/T 32918 on the recommended curve
 * (GB/T 32918.5 / GM/T 0003.5: key 3945208F…, nonce 59276E27…), cross-checks against
 * BouncyCastle's custom sm2p256v1 on random inputs in both directions, and the edges (k = n-1,
 * points off the curve, the point at infinity, tampered ciphertexts and signatures).
 */
class Sm2Test {

  private static final HexFormat HEX = HexFormat.of();
  private static final X9ECParameters X9 = CustomNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters BC = new ECDomainParameters(X9);
  private static final BigInteger D = new BigInteger(
      "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8", 16);
  private static final String PUBLIC = "04"
      + "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
      + "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
  private static final BigInteger K = new BigInteger(
      "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21", 16);
  private static final int ROUNDS = 1000;

  private final SecureRandom random = new SecureRandom();

  @Test
  void publicKeyOfTheStandardsExample() throws Exception {
    assertThat(HEX.formatHex(Sm2.Private.of(D).publicKey().encoded())).isEqualTo(PUBLIC);
  }

  @Test
  void signatureOfTheStandardsExample() throws Exception {
    Sm2.Private key = Sm2.Private.of(D);
    byte[] z = Sm2.z(Sm2.DEFAULT_USER_ID, key.publicKey());
    byte[] msg = "message digest".getBytes(StandardCharsets.US_ASCII);
    SM3Digest d = new SM3Digest();
    d.update(z, 0, 32);
    d.update(msg, 0, msg.length);
    byte[] e = new byte[32];
    d.doFinal(e, 0);
    BigInteger[] rs = Sm2.signWithNonce(key, new BigInteger(1, e), K);
    assertThat(rs[0].toString(16))
        .isEqualTo("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3");
    assertThat(rs[1].toString(16))
        .isEqualTo("b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa");
    byte[] der = HEX.parseHex("3046022100f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
        + "022100b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa");
    Sm2.Public pub = Sm2.Public.decode(HEX.parseHex(PUBLIC));
    assertThat(Sm2.verify(pub, z, msg, der)).isTrue();
    der[der.length - 1] ^= 1;
    assertThat(Sm2.verify(pub, z, msg, der)).isFalse();
    assertThat(Sm2.verify(pub, z, "message digesT".getBytes(StandardCharsets.US_ASCII),
        HEX.parseHex("3046022100f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
            + "022100b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"))).isFalse();
  }

  @Test
  void encryptionOfTheStandardsExample() throws Exception {
    Sm2.Private key = Sm2.Private.of(D);
    byte[] msg = "encryption standard".getBytes(StandardCharsets.US_ASCII);
    String expected = "04"
        + "04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73"
        + "e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0"
        + "59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766"
        + "21886ca989ca9c7d58087307ca93092d651efa";
    byte[] c = Sm2.encryptWithNonce(key.publicKey(), msg, K);
    assertThat(HEX.formatHex(c)).isEqualTo(expected);
    assertThat(Sm2.decrypt(key, c)).isEqualTo(msg);
    assertThat(Sm2.decryptDer(key, Sm2.toDer(c))).isEqualTo(msg);
  }

  @Test
  void ourSignaturesVerifyWithBouncyCastleAndTheirsWithUs() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Sm2.Private key = Sm2.Private.generate(random);
      ECPrivateKeyParameters bcPriv = new ECPrivateKeyParameters(key.scalar(), BC);
      ECPublicKeyParameters bcPub = new ECPublicKeyParameters(
          BC.getCurve().decodePoint(key.publicKey().encoded()), BC);
      byte[] msg = new byte[random.nextInt(200)];
      random.nextBytes(msg);
      byte[] z = Sm2.z(Sm2.DEFAULT_USER_ID, key.publicKey());

      byte[] ours = Sm2.sign(key, z, msg, random);
      SM2Signer v = new SM2Signer();
      v.init(false, new ParametersWithID(bcPub, Sm2.DEFAULT_USER_ID));
      v.update(msg, 0, msg.length);
      assertThat(v.verifySignature(ours)).as("BC verifies our signature %d", i).isTrue();

      SM2Signer s = new SM2Signer();
      s.init(true, new ParametersWithID(new ParametersWithRandom(bcPriv, random),
          Sm2.DEFAULT_USER_ID));
      s.update(msg, 0, msg.length);
      byte[] theirs = s.generateSignature();
      assertThat(Sm2.verify(key.publicKey(), z, msg, theirs)).as("we verify BC's %d", i).isTrue();
      // A fresh handle of the same key (no cached table) agrees too.
      Sm2.Public fresh = Sm2.Public.decode(key.publicKey().encoded());
      assertThat(Sm2.verify(fresh, z, msg, theirs)).isTrue();
      if (msg.length > 0) {
        msg[0] ^= 1;
        assertThat(Sm2.verify(key.publicKey(), z, msg, theirs)).isFalse();
      }
    }
  }

  @Test
  void encryptionBothWaysWithBouncyCastle() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Sm2.Private key = Sm2.Private.generate(random);
      ECPrivateKeyParameters bcPriv = new ECPrivateKeyParameters(key.scalar(), BC);
      ECPublicKeyParameters bcPub = new ECPublicKeyParameters(
          BC.getCurve().decodePoint(key.publicKey().encoded()), BC);
      byte[] msg = new byte[1 + random.nextInt(100)];
      random.nextBytes(msg);

      byte[] ours = Sm2.encrypt(key.publicKey(), msg, random);
      SM2Engine dec = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
      dec.init(false, bcPriv);
      assertThat(dec.processBlock(ours, 0, ours.length)).isEqualTo(msg);

      SM2Engine enc = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
      enc.init(true, new ParametersWithRandom(bcPub, random));
      byte[] theirs = enc.processBlock(msg, 0, msg.length);
      assertThat(Sm2.decrypt(key, theirs)).isEqualTo(msg);
      assertThat(Sm2.decryptDer(key, Sm2.toDer(theirs))).isEqualTo(msg);
    }
  }

  @Test
  void scalarMultiplicationsAgreeWithBouncyCastle() throws Exception {
    FixedPointCombMultiplier comb = new FixedPointCombMultiplier();
    for (int i = 0; i < ROUNDS; i++) {
      BigInteger k = Sm2.randomScalar(random, Sm2.N.subtract(BigInteger.ONE));
      checkScalar(comb, k);
    }
    BigInteger n = Sm2.N;
    for (BigInteger k : new BigInteger[] {BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(15),
        BigInteger.valueOf(16), BigInteger.valueOf(63), BigInteger.valueOf(64),
        BigInteger.ONE.shiftLeft(252), BigInteger.ONE.shiftLeft(255), n.subtract(BigInteger.ONE),
        n.subtract(BigInteger.TWO), n.shiftRight(1)}) {
      checkScalar(comb, k);
    }
  }

  private void checkScalar(FixedPointCombMultiplier comb, BigInteger k) throws Exception {
    ECPoint expected = comb.multiply(BC.getG(), k).normalize();
    Ec.Scratch s = new Ec.Scratch();
    Ec.Jac p = new Ec.Jac();
    Ec.mulBase(p, Fp.limbs(k), s);
    assertThat(Sm2.Public.of(p).encoded()).as("k·G, k = %s", k).isEqualTo(expected.getEncoded(false));
    // k·Q for a random Q, constant-time and variable-time, against BC.
    Sm2.Private q = Sm2.Private.generate(random);
    ECPoint bq = BC.getCurve().decodePoint(q.publicKey().encoded());
    ECPoint kq = bq.multiply(k).normalize();
    Ec.Jac r = new Ec.Jac();
    Ec.mul(r, q.publicKey().jacobian(), Fp.limbs(k), s);
    assertThat(Sm2.Public.of(r).encoded()).as("k·Q, k = %s", k).isEqualTo(kq.getEncoded(false));
    Ec.mulVar(r, k, q.publicKey().oddMultiples());
    assertThat(Sm2.Public.of(r).encoded()).isEqualTo(kq.getEncoded(false));
    // u1·G + u2·Q
    BigInteger u2 = Sm2.randomScalar(random, Sm2.N.subtract(BigInteger.ONE));
    Ec.mulAddVar(r, k, q.publicKey().oddMultiples(), u2);
    assertThat(Sm2.Public.of(r).encoded())
        .isEqualTo(expected.add(bq.multiply(u2)).normalize().getEncoded(false));
  }

  @Test
  void diffieHellmanAgreesBothWaysAndWithBouncyCastle() throws Exception {
    int leadingZero = 0;
    for (int i = 0; i < ROUNDS; i++) {
      Sm2.Private a = Sm2.Private.generate(random);
      Sm2.Private b = Sm2.Private.generate(random);
      byte[] ab = Sm2.agree(a, b.publicKey());
      assertThat(ab).hasSize(32).isEqualTo(Sm2.agree(b, a.publicKey()));
      ECPoint expected = BC.getCurve().decodePoint(b.publicKey().encoded()).multiply(a.scalar()).normalize();
      // FE2OSP: fixed length, a leading zero byte kept (about one in 256 rounds has one).
      assertThat(ab).isEqualTo(expected.getAffineXCoord().getEncoded());
      leadingZero += ab[0] == 0 ? 1 : 0;
    }
    // The edges of the scalar range against a fixed peer point.
    Sm2.Public peer = Sm2.Public.decode(HEX.parseHex(PUBLIC));
    for (BigInteger d : new BigInteger[] {BigInteger.ONE, BigInteger.TWO, Sm2.N.subtract(BigInteger.TWO)}) {
      ECPoint expected = BC.getCurve().decodePoint(HEX.parseHex(PUBLIC)).multiply(d).normalize();
      assertThat(Sm2.agree(Sm2.Private.of(d), peer)).isEqualTo(expected.getAffineXCoord().getEncoded());
    }
    assertThat(leadingZero).isLessThan(ROUNDS / 16);
  }

  @Test
  void sumsThatHitInfinityOrDoubling() throws Exception {
    Sm2.Private q = Sm2.Private.of(BigInteger.valueOf(7));
    // u1·G + u2·(7G) with u1 = -7·u2: infinity.
    BigInteger u2 = BigInteger.valueOf(12345);
    BigInteger u1 = Sm2.N.subtract(u2.multiply(BigInteger.valueOf(7)));
    Ec.Jac r = new Ec.Jac();
    Ec.mulAddVar(r, u1, q.publicKey().oddMultiples(), u2);
    assertThat(r.isInfinity()).isTrue();
    // u1·G + u2·(7G) with u1 = 7·u2: 14·u2·G (the doubling inside the addition).
    Ec.mulAddVar(r, u2.multiply(BigInteger.valueOf(7)), q.publicKey().oddMultiples(), u2);
    ECPoint expected = BC.getG().multiply(u2.multiply(BigInteger.valueOf(14))).normalize();
    assertThat(Sm2.Public.of(r).encoded()).isEqualTo(expected.getEncoded(false));
    // k = n-1 as a private key is out of range; n-1 as a nonce gives -G.
    assertThatThrownBy(() -> Sm2.Private.of(Sm2.N.subtract(BigInteger.ONE)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> Sm2.Private.of(BigInteger.ZERO)).isInstanceOf(InvalidKeyException.class);
    Sm2.Private max = Sm2.Private.of(Sm2.N.subtract(BigInteger.TWO));
    assertThat(max.publicKey().encoded())
        .isEqualTo(BC.getG().multiply(Sm2.N.subtract(BigInteger.TWO)).normalize().getEncoded(false));
  }

  @Test
  void pointsOffTheCurveAndInfinityAreRejected() throws Exception {
    byte[] good = HEX.parseHex(PUBLIC);
    byte[] bad = good.clone();
    bad[64] ^= 1;
    assertThatThrownBy(() -> Sm2.Public.decode(bad)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> Sm2.Public.decode(new byte[] {0})).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> Sm2.Public.decode(new byte[65])).isInstanceOf(InvalidKeyException.class);
    byte[] zero = new byte[65];
    zero[0] = 4;
    assertThatThrownBy(() -> Sm2.Public.decode(zero)).isInstanceOf(InvalidKeyException.class);
    // x ≥ p with the same residue: rejected, not reduced.
    byte[] big = good.clone();
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(good, 1, 33)).add(Fp.P);
    if (x.bitLength() <= 256) {
      byte[] xb = x.toByteArray();
      System.arraycopy(xb, xb.length - 32, big, 1, 32);
      assertThatThrownBy(() -> Sm2.Public.decode(big)).isInstanceOf(InvalidKeyException.class);
    }
    // Compressed forms decode to the same point.
    byte[] comp = new byte[33];
    comp[0] = (byte) (2 + (good[64] & 1));
    System.arraycopy(good, 1, comp, 1, 32);
    assertThat(Sm2.Public.decode(comp).encoded()).isEqualTo(good);

    // A ciphertext whose C1 is off the curve fails closed, as does any tampering.
    Sm2.Private key = Sm2.Private.of(D);
    byte[] c = Sm2.encrypt(key.publicKey(), "pre-master".getBytes(StandardCharsets.US_ASCII), random);
    for (int pos : new int[] {1, 40, 64, 70, 100, c.length - 1}) {
      byte[] t = c.clone();
      t[pos] ^= 0x10;
      assertThatThrownBy(() -> Sm2.decrypt(key, t)).isInstanceOf(GeneralSecurityException.class);
    }
    assertThatThrownBy(() -> Sm2.decrypt(key, Arrays.copyOf(c, 97)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> Sm2.decryptDer(key, c)).isInstanceOf(GeneralSecurityException.class);
    // Signatures with r or s out of range.
    byte[] z = Sm2.z(Sm2.DEFAULT_USER_ID, key.publicKey());
    assertThat(Sm2.verify(key.publicKey(), BigInteger.ONE, BigInteger.ZERO, BigInteger.ONE)).isFalse();
    assertThat(Sm2.verify(key.publicKey(), BigInteger.ONE, Sm2.N, BigInteger.ONE)).isFalse();
    assertThat(Sm2.verify(key.publicKey(), BigInteger.ONE, BigInteger.ONE, Sm2.N.subtract(BigInteger.ONE)))
        .isFalse(); // t = r + s = n ≡ 0
    assertThat(Sm2.verify(key.publicKey(), z, new byte[1], new byte[] {0x30, 0})).isFalse();
  }

  @Test
  void nonceNMinusOneSignsAndVerifies() throws Exception {
    Sm2.Private key = Sm2.Private.generate(random);
    BigInteger e = new BigInteger(1, HEX.parseHex(
        "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640"));
    BigInteger[] rs = Sm2.signWithNonce(key, e, Sm2.N.subtract(BigInteger.ONE));
    assertThat(rs).isNotNull();
    assertThat(Sm2.verify(key.publicKey(), e, rs[0], rs[1])).isTrue();
  }

  @Test
  void keyExchangeAgreesWithBouncyCastle() throws Exception {
    ECKeyPairGenerator gen = new ECKeyPairGenerator();
    gen.init(new ECKeyGenerationParameters(BC, random));
    for (int i = 0; i < ROUNDS / 4; i++) {
      Sm2.Private aStatic = Sm2.Private.generate(random);
      Sm2.Private aEph = Sm2.Private.generate(random);
      AsymmetricCipherKeyPair bStatic = gen.generateKeyPair();
      AsymmetricCipherKeyPair bEph = gen.generateKeyPair();
      Sm2.Public bStaticPub = Sm2.Public.decode(
          ((ECPublicKeyParameters) bStatic.getPublic()).getQ().getEncoded(false));
      Sm2.Public bEphPub = Sm2.Public.decode(
          ((ECPublicKeyParameters) bEph.getPublic()).getQ().getEncoded(false));
      boolean initiator = (i & 1) == 0;
      int len = 16 + random.nextInt(48);
      byte[] ours = Sm2.keyExchange(len, initiator, aStatic, aEph,
          Sm2.z(Sm2.DEFAULT_USER_ID, aStatic.publicKey()), bStaticPub, bEphPub,
          Sm2.z(Sm2.DEFAULT_USER_ID, bStaticPub));

      SM2KeyExchange bc = new SM2KeyExchange(new SM3Digest());
      bc.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(!initiator,
          (ECPrivateKeyParameters) bStatic.getPrivate(), (ECPrivateKeyParameters) bEph.getPrivate()),
          Sm2.DEFAULT_USER_ID));
      byte[] theirs = bc.calculateKey(8 * len, new ParametersWithID(new SM2KeyExchangePublicParameters(
          new ECPublicKeyParameters(BC.getCurve().decodePoint(aStatic.publicKey().encoded()), BC),
          new ECPublicKeyParameters(BC.getCurve().decodePoint(aEph.publicKey().encoded()), BC)),
          Sm2.DEFAULT_USER_ID));
      assertThat(ours).as("round %d", i).isEqualTo(theirs);
    }
  }

  @Test
  void bouncyCastleRejectsWhatWeRejectAfterTampering() throws Exception {
    // Sanity of the cross-check itself: BC fails on the tampered ciphertext we fail on.
    Sm2.Private key = Sm2.Private.generate(random);
    byte[] c = Sm2.encrypt(key.publicKey(), new byte[48], random);
    c[100] ^= 1;
    SM2Engine dec = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
    dec.init(false, new ECPrivateKeyParameters(key.scalar(), BC));
    assertThatThrownBy(() -> dec.processBlock(c, 0, c.length))
        .isInstanceOf(InvalidCipherTextException.class);
    assertThatThrownBy(() -> Sm2.decrypt(key, c)).isInstanceOf(GeneralSecurityException.class);
  }

  /**
   * The kept-key path (a key's own fixed-window table, no doublings) against BouncyCastle and
   * against the wNAF path: random scalars, the extremes 1 and n - 1, and the sums that hit
   * infinity or need a doubling inside an addition.
   */
  @Test
  void keptKeyTableAgreesWithBouncyCastleAndTheWnafPath() throws Exception {
    Sm2.Private q = Sm2.Private.generate(random);
    long[] table = Ec.keptTable(q.publicKey().x, q.publicKey().y);
    ECPoint bq = BC.getG().multiply(q.scalar()).normalize();
    BigInteger nMinus1 = Sm2.N.subtract(BigInteger.ONE);
    java.util.List<BigInteger[]> pairs = new java.util.ArrayList<>();
    pairs.add(new BigInteger[] {BigInteger.ONE, BigInteger.ONE});
    pairs.add(new BigInteger[] {nMinus1, nMinus1});
    pairs.add(new BigInteger[] {BigInteger.ONE, nMinus1});
    for (int i = 0; i < 300; i++) {
      pairs.add(new BigInteger[] {Sm2.randomScalar(random, nMinus1), Sm2.randomScalar(random, nMinus1)});
    }
    Ec.Jac kept = new Ec.Jac();
    Ec.Jac wnaf = new Ec.Jac();
    for (BigInteger[] u : pairs) {
      Ec.mulAddKeptVar(kept, Fp.limbs(u[0]), table, Fp.limbs(u[1]));
      Ec.mulAddVar(wnaf, u[0], q.publicKey().oddMultiples(), u[1]);
      byte[] expected = BC.getG().multiply(u[0]).add(bq.multiply(u[1])).normalize().getEncoded(false);
      assertThat(Sm2.Public.of(kept).encoded()).isEqualTo(expected);
      assertThat(Sm2.Public.of(wnaf).encoded()).isEqualTo(expected);
    }
    Sm2.Private seven = Sm2.Private.of(BigInteger.valueOf(7));
    long[] sevenTable = Ec.keptTable(seven.publicKey().x, seven.publicKey().y);
    BigInteger u2 = BigInteger.valueOf(12345);
    Ec.mulAddKeptVar(kept, Fp.limbs(Sm2.N.subtract(u2.multiply(BigInteger.valueOf(7)))), sevenTable,
        Fp.limbs(u2));
    assertThat(kept.isInfinity()).isTrue();
    Ec.mulAddKeptVar(kept, Fp.limbs(u2.multiply(BigInteger.valueOf(7))), sevenTable, Fp.limbs(u2));
    assertThat(Sm2.Public.of(kept).encoded()).isEqualTo(
        BC.getG().multiply(u2.multiply(BigInteger.valueOf(14))).normalize().getEncoded(false));
  }

  /** A key handle verifying many signatures switches to its table and keeps deciding the same. */
  @Test
  void aKeyKeptForManyVerificationsStillAcceptsAndRejectsCorrectly() throws Exception {
    Sm2.Private signer = Sm2.Private.generate(random);
    Sm2.Public kept = Sm2.Public.decode(signer.publicKey().encoded());
    byte[] z = Sm2.z(Sm2.DEFAULT_USER_ID, kept);
    for (int i = 0; i < 4 * Sm2.KEPT_AFTER; i++) {
      byte[] m = new byte[1 + i];
      random.nextBytes(m);
      byte[] sig = Sm2.sign(signer, z, m, random);
      assertThat(Sm2.verify(kept, z, m, sig)).as("round %d", i).isTrue();
      byte[] other = m.clone();
      other[0] ^= 1;
      assertThat(Sm2.verify(kept, z, other, sig)).as("round %d, other message", i).isFalse();
      // The same verdicts from a key decoded afresh (never promoted).
      Sm2.Public fresh = Sm2.Public.decode(signer.publicKey().encoded());
      assertThat(Sm2.verify(fresh, z, m, sig)).isTrue();
      assertThat(Sm2.verify(fresh, z, other, sig)).isFalse();
    }
    assertThat(kept.keptTable()).isNotNull();
  }
}
