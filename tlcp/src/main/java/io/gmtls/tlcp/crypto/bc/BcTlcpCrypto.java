package io.gmtls.tlcp.crypto.bc;

import io.gmtls.crypto.sm4.CompactSm4Gcm;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import io.gmtls.tlcp.crypto.Sm4Gcm;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * {@link TlcpCrypto} on BouncyCastle's lightweight API and its custom sm2p256v1 curve:
 * {@code SM2Engine} (C1C3C2), {@code SM2KeyExchange}, {@code SM3Digest}, {@code HMac},
 * {@code SM4Engine} with CBC and GCM.
 *
 * <p>Signing and verification are done here rather than with {@code SM2Signer}, because
 * {@code SM2Signer.init} recomputes the public point (signing: a full scalar multiplication) and
 * the Z value on every call; this class precomputes the point, Z and (1 + d)^-1 once per key
 * handle. The arithmetic is BouncyCastle's (fixed-point comb multiplier, Shamir's trick, modular
 * inverse); signatures are checked against {@code SM2Signer} and OpenSSL in the tests.
 *
 * <p>GCM uses BouncyCastle's table-free multiplier: the 4 KiB tables of the default one would be
 * kept per connection and direction, and per-connection memory matters more to a gateway than the
 * last percent of bulk throughput.
 */
public final class BcTlcpCrypto implements TlcpCrypto {

  /**
   * BouncyCastle's custom sm2p256v1 curve (fixed-width 256-bit field arithmetic), not the generic
   * {@code ECCurve.Fp} of {@code GMNamedCurves}, whose BigInteger arithmetic makes every SM2
   * operation several times slower. Same curve, same points, same results.
   */
  private static final X9ECParameters SM2_CURVE = CustomNamedCurves.getByName("sm2p256v1");
  static final ECDomainParameters SM2 = new ECDomainParameters(SM2_CURVE);
  private static final byte[] USER_ID = DEFAULT_USER_ID.getBytes(StandardCharsets.US_ASCII);
  private static final int FIELD_BYTES = 32;

  private final SecureRandom random;
  private final ECMultiplier baseMultiplier = new FixedPointCombMultiplier();

  /** Uses a new {@link SecureRandom}. */
  public BcTlcpCrypto() {
    this(new SecureRandom());
  }

  /** Uses the given source of randomness (tests may pass a seeded one). */
  public BcTlcpCrypto(SecureRandom random) {
    this.random = random;
  }

  @Override
  public SecureRandom random() {
    return random;
  }

  @Override
  public Sm2PrivateKey sm2PrivateKey(PrivateKey key) throws InvalidKeyException {
    return new BcPrivateKey(new ECPrivateKeyParameters(sm2PrivateScalar(key), SM2));
  }

  @Override
  public Sm2PublicKey sm2PublicKey(byte[] subjectPublicKeyInfo) throws InvalidKeyException {
    return new BcPublicKey(new ECPublicKeyParameters(sm2PublicPoint(subjectPublicKeyInfo), SM2));
  }

  /**
   * The private scalar of an SM2 key given as PKCS#8 (its encoding is wiped once parsed). Also the key
   * parser of {@code FastTlcpCrypto}: one place decides what an SM2 private key is.
   *
   * @throws InvalidKeyException when it is not an EC key on sm2p256v1
   */
  public static BigInteger sm2PrivateScalar(PrivateKey key) throws InvalidKeyException {
    byte[] encoded = key == null ? null : key.getEncoded();
    if (encoded == null) {
      throw new InvalidKeyException("private key is not PKCS#8-encodable");
    }
    AsymmetricKeyParameter params;
    try {
      params = PrivateKeyFactory.createKey(encoded);
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("not a parsable EC private key");
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
    if (!(params instanceof ECPrivateKeyParameters ec) || !isSm2(ec.getParameters())) {
      throw new InvalidKeyException("not an SM2 (sm2p256v1) private key");
    }
    return ec.getD();
  }

  /**
   * The public point of an SM2 SubjectPublicKeyInfo, its domain (named or explicit) checked to be
   * sm2p256v1. Also used by {@code FastTlcpCrypto} for keys that don't name the curve.
   *
   * @throws InvalidKeyException when it is not an EC key on sm2p256v1
   */
  public static ECPoint sm2PublicPoint(byte[] subjectPublicKeyInfo) throws InvalidKeyException {
    AsymmetricKeyParameter params;
    try {
      params = PublicKeyFactory.createKey(subjectPublicKeyInfo);
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("not a parsable EC public key");
    }
    if (!(params instanceof ECPublicKeyParameters ec) || !isSm2(ec.getParameters())) {
      throw new InvalidKeyException("not an SM2 (sm2p256v1) public key");
    }
    return ec.getQ();
  }

  private static boolean isSm2(ECDomainParameters p) {
    return p.getCurve().equals(SM2.getCurve()) && p.getG().equals(SM2.getG())
        && p.getN().equals(SM2.getN());
  }

  @Override
  public byte[] sm2Sign(Sm2PrivateKey key, byte[] message) {
    BcPrivateKey k = (BcPrivateKey) key;
    SM3Digest digest = new SM3Digest();
    digest.update(k.publicKey.z, 0, k.publicKey.z.length);
    digest.update(message, 0, message.length);
    byte[] hash = new byte[Sm3.LENGTH];
    digest.doFinal(hash, 0);
    BigInteger e = new BigInteger(1, hash);
    BigInteger n = SM2.getN();
    BigInteger d = k.params.getD();
    while (true) {
      BigInteger kk = BigIntegers.createRandomInRange(BigInteger.ONE, n.subtract(BigInteger.ONE), random);
      ECPoint p = baseMultiplier.multiply(SM2.getG(), kk).normalize();
      BigInteger r = e.add(p.getAffineXCoord().toBigInteger()).mod(n);
      if (r.signum() == 0 || r.add(kk).equals(n)) {
        continue;
      }
      BigInteger s = k.dPlus1Inverse.multiply(kk.subtract(r.multiply(d))).mod(n);
      if (s.signum() != 0) {
        try {
          return StandardDSAEncoding.INSTANCE.encode(n, r, s);
        } catch (IOException ex) {
          throw new IllegalStateException("DER encoding of an SM2 signature failed", ex);
        }
      }
    }
  }

  /**
   * GB/T 32918.2 clause 7 with the key's precomputed Z value; otherwise {@code SM2Signer}'s
   * verification step by step (strict DER, r and s in [1, n-1], t = r + s mod n non-zero,
   * (x1, y1) = [s]G + [t]Q, r = e + x1 mod n). {@code SM2Signer.init} would recompute Z on every
   * call. BouncyCastle caches multiplication tables in the point object, so a key handle kept
   * (a trust anchor, a known CA) verifies faster from its second use on.
   */
  @Override
  public boolean sm2Verify(Sm2PublicKey key, byte[] message, byte[] derSignature) {
    try {
      BcPublicKey k = (BcPublicKey) key;
      BigInteger n = SM2.getN();
      BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(n, derSignature);
      BigInteger r = rs[0];
      BigInteger s = rs[1];
      if (r.signum() <= 0 || r.compareTo(n) >= 0 || s.signum() <= 0 || s.compareTo(n) >= 0) {
        return false;
      }
      SM3Digest digest = new SM3Digest();
      digest.update(k.z, 0, k.z.length);
      digest.update(message, 0, message.length);
      byte[] hash = new byte[Sm3.LENGTH];
      digest.doFinal(hash, 0);
      BigInteger t = r.add(s).mod(n);
      if (t.signum() == 0) {
        return false;
      }
      ECPoint x1y1 = ECAlgorithms.sumOfTwoMultiplies(SM2.getG(), s, k.params.getQ(), t).normalize();
      if (x1y1.isInfinity()) {
        return false;
      }
      return new BigInteger(1, hash).add(x1y1.getAffineXCoord().toBigInteger()).mod(n).equals(r);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public byte[] sm2Encrypt(Sm2PublicKey key, byte[] plaintext) {
    SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
    engine.init(true, new ParametersWithRandom(((BcPublicKey) key).params, random));
    byte[] raw;
    try {
      raw = engine.processBlock(plaintext, 0, plaintext.length);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("SM2 encryption failed", e);
    }
    // raw = 04 || x || y || C3 (32) || C2
    int c1 = 1 + 2 * FIELD_BYTES;
    try {
      return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + FIELD_BYTES))),
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1 + FIELD_BYTES, c1))),
          new DEROctetString(Arrays.copyOfRange(raw, c1, c1 + Sm3.LENGTH)),
          new DEROctetString(Arrays.copyOfRange(raw, c1 + Sm3.LENGTH, raw.length))
      }).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of an SM2 ciphertext failed", e);
    }
  }

  @Override
  public byte[] sm2Decrypt(Sm2PrivateKey key, byte[] derCiphertext) throws GeneralSecurityException {
    byte[] raw;
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(derCiphertext);
      if (!Arrays.equals(prim.getEncoded(ASN1Encoding.DER), derCiphertext)) {
        throw new BadPaddingException("SM2 ciphertext is not DER");
      }
      ASN1Sequence seq = ASN1Sequence.getInstance(prim);
      if (seq.size() != 4) {
        throw new BadPaddingException("SM2 ciphertext is malformed");
      }
      BigInteger x = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
      BigInteger y = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
      byte[] hash = ASN1OctetString.getInstance(seq.getObjectAt(2)).getOctets();
      byte[] ct = ASN1OctetString.getInstance(seq.getObjectAt(3)).getOctets();
      if (x.bitLength() > 8 * FIELD_BYTES || y.bitLength() > 8 * FIELD_BYTES
          || hash.length != Sm3.LENGTH || ct.length == 0) {
        throw new BadPaddingException("SM2 ciphertext is malformed");
      }
      raw = new byte[1 + 2 * FIELD_BYTES + hash.length + ct.length];
      raw[0] = 0x04;
      BigIntegers.asUnsignedByteArray(x, raw, 1, FIELD_BYTES);
      BigIntegers.asUnsignedByteArray(y, raw, 1 + FIELD_BYTES, FIELD_BYTES);
      System.arraycopy(hash, 0, raw, 1 + 2 * FIELD_BYTES, hash.length);
      System.arraycopy(ct, 0, raw, 1 + 2 * FIELD_BYTES + hash.length, ct.length);
    } catch (IOException | RuntimeException e) {
      throw new BadPaddingException("SM2 ciphertext is malformed");
    }
    try {
      SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
      engine.init(false, ((BcPrivateKey) key).params);
      return engine.processBlock(raw, 0, raw.length);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new BadPaddingException("SM2 decryption failed");
    }
  }

  @Override
  public Sm2EphemeralKey sm2GenerateEphemeral() {
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(SM2, random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new BcEphemeralKey((ECPrivateKeyParameters) pair.getPrivate(),
        ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false));
  }

  @Override
  public byte[] sm2KeyExchange(int length, boolean initiator, Sm2PrivateKey ownStatic,
      Sm2EphemeralKey ownEphemeral, Sm2PublicKey peerStatic, byte[] peerEphemeralPoint)
      throws InvalidKeyException {
    ECPublicKeyParameters peerEphemeral;
    try {
      peerEphemeral = new ECPublicKeyParameters(SM2.getCurve().decodePoint(peerEphemeralPoint), SM2);
    } catch (RuntimeException e) {
      throw new InvalidKeyException("peer's ephemeral SM2 point is invalid");
    }
    SM2KeyExchange exchange = new SM2KeyExchange(new SM3Digest());
    exchange.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(initiator,
        ((BcPrivateKey) ownStatic).params, ((BcEphemeralKey) ownEphemeral).params), USER_ID));
    try {
      return exchange.calculateKey(8 * length, new ParametersWithID(
          new SM2KeyExchangePublicParameters(((BcPublicKey) peerStatic).params, peerEphemeral),
          USER_ID));
    } catch (IllegalStateException e) {
      throw new InvalidKeyException("SM2 key exchange failed");
    }
  }

  @Override
  public Sm3 sm3() {
    return new BcSm3(new SM3Digest());
  }

  @Override
  public HmacSm3 hmacSm3(byte[] key) {
    HMac mac = new HMac(new SM3Digest());
    mac.init(new KeyParameter(key));
    return new HmacSm3() {
      @Override
      public void update(byte[] data, int offset, int length) {
        mac.update(data, offset, length);
      }

      @Override
      public void doFinal(byte[] out, int offset) {
        mac.doFinal(out, offset);
      }

      @Override
      public void reset() {
        // SM3Digest is Memoable: HMac restores the keyed inner state without hashing anything.
        mac.reset();
      }
    };
  }

  @Override
  public Sm4Cbc sm4Cbc(byte[] key, boolean encrypt) {
    CBCModeCipher cbc = CBCBlockCipher.newInstance(new SM4Engine());
    cbc.init(encrypt, new ParametersWithIV(new KeyParameter(key), new byte[Sm4Cbc.BLOCK]));
    return (iv, ivOffset, buf, offset, length) -> {
      cbc.init(encrypt, new ParametersWithIV(null, iv, ivOffset, Sm4Cbc.BLOCK));
      for (int i = 0; i < length; i += Sm4Cbc.BLOCK) {
        cbc.processBlock(buf, offset + i, buf, offset + i);
      }
    };
  }

  @Override
  public Sm4Gcm sm4Gcm(byte[] key, boolean encrypt) {
    // Two per connection for its whole life: the compact form keeps only round keys and H.
    CompactSm4Gcm gcm = new CompactSm4Gcm(key);
    return new Sm4Gcm() {
      @Override
      public int seal(byte[] nonce, byte[] aad, byte[] buf, int offset, int length) {
        return gcm.seal(nonce, aad, buf, offset, length);
      }

      @Override
      public int open(byte[] nonce, byte[] aad, byte[] buf, int offset, int length) throws AEADBadTagException {
        return gcm.open(nonce, aad, buf, offset, length);
      }
    };
  }

  /** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 clause 5.5. */
  static byte[] z(ECPoint publicPoint) {
    SM3Digest d = new SM3Digest();
    int bits = USER_ID.length * 8;
    d.update((byte) (bits >>> 8));
    d.update((byte) bits);
    d.update(USER_ID, 0, USER_ID.length);
    ECPoint p = publicPoint.normalize();
    for (ECFieldElement f : new ECFieldElement[] {SM2.getCurve().getA(), SM2.getCurve().getB(),
        SM2.getG().getAffineXCoord(), SM2.getG().getAffineYCoord(), p.getAffineXCoord(),
        p.getAffineYCoord()}) {
      byte[] e = BigIntegers.asUnsignedByteArray(FIELD_BYTES, f.toBigInteger());
      d.update(e, 0, e.length);
    }
    byte[] out = new byte[Sm3.LENGTH];
    d.doFinal(out, 0);
    return out;
  }

  private final class BcPrivateKey implements Sm2PrivateKey {
    final ECPrivateKeyParameters params;
    final BigInteger dPlus1Inverse;
    final BcPublicKey publicKey;

    BcPrivateKey(ECPrivateKeyParameters params) {
      this.params = params;
      this.dPlus1Inverse = BigIntegers.modOddInverse(SM2.getN(), params.getD().add(BigInteger.ONE));
      this.publicKey = new BcPublicKey(new ECPublicKeyParameters(
          baseMultiplier.multiply(SM2.getG(), params.getD()).normalize(), SM2));
    }

    @Override
    public Sm2PublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "Sm2PrivateKey[public=" + publicKey + "]";
    }
  }

  private static final class BcPublicKey implements Sm2PublicKey {
    final ECPublicKeyParameters params;
    final byte[] z;

    BcPublicKey(ECPublicKeyParameters params) {
      this.params = params;
      this.z = z(params.getQ());
    }

    @Override
    public byte[] encodedPoint() {
      return params.getQ().getEncoded(false);
    }

    @Override
    public String toString() {
      return "Sm2PublicKey[" + org.bouncycastle.util.encoders.Hex.toHexString(encodedPoint()) + "]";
    }
  }

  private record BcEphemeralKey(ECPrivateKeyParameters params, byte[] point)
      implements Sm2EphemeralKey {
    @Override
    public byte[] encodedPoint() {
      return point.clone();
    }

    @Override
    public String toString() {
      return "Sm2EphemeralKey[(hidden)]";
    }
  }

  private record BcSm3(SM3Digest state) implements Sm3 {
    @Override
    public void update(byte[] data, int offset, int length) {
      state.update(data, offset, length);
    }

    @Override
    public byte[] digest() {
      byte[] out = new byte[LENGTH];
      state.doFinal(out, 0);
      return out;
    }

    @Override
    public Sm3 copy() {
      return new BcSm3(new SM3Digest(state));
    }
  }
}
