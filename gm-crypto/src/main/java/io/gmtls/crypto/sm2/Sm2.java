package io.gmtls.crypto.sm2;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * SM2 (GB/T 32918) on the curve sm2p256v1 with our own field and point arithmetic ({@link Fp},
 * {@link Ec}); SM3 is BouncyCastle's.
 *
 * <p>Where a scalar is secret — the signing nonce and the private key in signing, the private key
 * in decryption and key exchange, the encryption nonce, key generation — the point
 * multiplication is constant-time (fixed windows, masked table lookups); where both scalars are
 * public (verification, the peer's part of the key exchange) it is variable-time wNAF. Arithmetic
 * modulo n (a handful of operations per signature) is {@link BigInteger}'s, as in
 * BouncyCastle's SM2Signer.
 *
 * <p>Encodings: signatures DER {@code SEQUENCE {r INTEGER, s INTEGER}}; ciphertexts C1C3C2, raw
 * ({@code 04 || x1 || y1 || C3 || C2}) or in the DER form of GM/T 0009
 * ({@code SEQUENCE {x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING}}).
 * Every failure of a check on input (a point not on the curve, a malformed or unauthentic
 * ciphertext, a bad signature) fails closed, without detail.
 */
public final class Sm2 {

  /** The order n of the base point. */
  public static final BigInteger N = Ec.N;
  /** The user ID of GM/T 0009 ("1234567812345678") every TLCP peer uses. */
  public static final byte[] DEFAULT_USER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
  private static final BigInteger N_MINUS_1 = N.subtract(BigInteger.ONE);
  private static final BigInteger N_MINUS_2 = N.subtract(BigInteger.TWO);
  private static final BigInteger TWO_POW_127 = BigInteger.ONE.shiftLeft(127);
  private static final int FIELD = 32;
  private static final int HASH = 32;
  /**
   * Verifications with one {@link Public} after which it gets its own fixed-window table (a
   * millisecond and 77 KB, then each verification about half as costly): a key handle kept and
   * reused, such as a CA's, is promoted; a peer's key decoded for one handshake never is.
   */
  static final int KEPT_AFTER = 8;

  private Sm2() {}

  /** A validated public point (not infinity, on the curve), with its cached verification table. */
  public static final class Public {
    final long[] x;
    final long[] y;
    private final byte[] encoded;
    private volatile long[][] odd;
    /** {@link Ec#keptTable}, built once this key has verified {@link #KEPT_AFTER} signatures. */
    private volatile long[] kept;
    /** Verifications so far (racy increments may lose counts: it only delays the table). */
    private volatile int verifications;

    private Public(long[] x, long[] y) {
      this.x = x;
      this.y = y;
      this.encoded = new byte[1 + 2 * FIELD];
      encoded[0] = 0x04;
      Fp.toBytes(x, encoded, 1);
      Fp.toBytes(y, encoded, 1 + FIELD);
    }

    /**
     * Decodes an uncompressed (04 || x || y) or compressed (02/03 || x) point and checks that it
     * is a point of the curve (coordinates below p, curve equation): the check a peer's key or
     * ephemeral point must pass before any use.
     *
     * @throws InvalidKeyException for anything else, including the point at infinity
     */
    public static Public decode(byte[] point) throws InvalidKeyException {
      if (point == null) {
        throw new InvalidKeyException("no SM2 point");
      }
      long[] x = Fp.create();
      long[] y = Fp.create();
      if (point.length == 1 + 2 * FIELD && point[0] == 0x04) {
        long ok = Fp.fromBytes(x, point, 1) & Fp.fromBytes(y, point, 1 + FIELD);
        if (ok == 0 || !Ec.onCurve(x, y)) {
          throw new InvalidKeyException("not a point of sm2p256v1");
        }
      } else if (point.length == 1 + FIELD && (point[0] == 0x02 || point[0] == 0x03)) {
        if (Fp.fromBytes(x, point, 1) == 0) {
          throw new InvalidKeyException("not a point of sm2p256v1");
        }
        // p ≡ 3 (mod 4): a square root of y^2 is (y^2)^((p+1)/4) (public values).
        BigInteger xi = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + FIELD));
        BigInteger rhs = xi.pow(3).subtract(xi.multiply(BigInteger.valueOf(3))).add(Ec.B_INT).mod(Fp.P);
        BigInteger yi = rhs.modPow(Fp.P.add(BigInteger.ONE).shiftRight(2), Fp.P);
        if (!yi.multiply(yi).mod(Fp.P).equals(rhs)) {
          throw new InvalidKeyException("not a point of sm2p256v1");
        }
        if (yi.testBit(0) != (point[0] == 0x03)) {
          yi = Fp.P.subtract(yi).mod(Fp.P);
        }
        Fp.fromBigInteger(y, yi);
        if (!Ec.onCurve(x, y)) {
          throw new InvalidKeyException("not a point of sm2p256v1");
        }
      } else {
        throw new InvalidKeyException("not an SM2 point encoding");
      }
      return new Public(x, y);
    }

    static Public of(Ec.Jac p) {
      long[] x = Fp.create();
      long[] y = Fp.create();
      Ec.toAffine(p, x, y);
      return new Public(x, y);
    }

    /** The point, uncompressed: 04 || x || y (65 bytes, a copy). */
    public byte[] encoded() {
      return encoded.clone();
    }

    Ec.Jac jacobian() {
      return Ec.Jac.affine(x, y);
    }

    long[][] oddMultiples() {
      long[][] t = odd;
      if (t == null) {
        // Benign race: two threads may both compute the same table.
        t = Ec.oddMultiples(x, y, Ec.Q_WNAF);
        odd = t;
      }
      return t;
    }

    /** The kept-key table once this key has been used often enough, else null. */
    long[] keptTable() {
      long[] t = kept;
      if (t == null && verifications++ >= KEPT_AFTER) {
        // Benign race: two threads may both build the same table.
        t = Ec.keptTable(x, y);
        kept = t;
      }
      return t;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Public p && Arrays.equals(encoded, p.encoded);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return "Sm2.Public[" + org.bouncycastle.util.encoders.Hex.toHexString(encoded) + "]";
    }
  }

  /**
   * A private key d in [1, n-2] with its public point; (1 + d)^-1 mod n, which only signing needs,
   * is computed on the first signature and kept.
   */
  public static final class Private {
    final BigInteger d;
    final long[] limbs;
    /** (1 + d)^-1 mod n once a signature needed it; a key used for key agreement only never pays it. */
    private volatile BigInteger dPlus1Inverse;
    private final Public publicKey;

    private Private(BigInteger d) {
      this.d = d;
      this.limbs = Fp.limbs(d);
      Ec.Scratch s = new Ec.Scratch();
      Ec.Jac p = new Ec.Jac();
      Ec.mulBase(p, limbs, s);
      this.publicKey = Public.of(p);
    }

    /**
     * The key with scalar d.
     *
     * @throws InvalidKeyException unless 1 ≤ d ≤ n - 2 (GB/T 32918.1 clause 6.1)
     */
    public static Private of(BigInteger d) throws InvalidKeyException {
      if (d == null || d.signum() <= 0 || d.compareTo(N_MINUS_2) > 0) {
        throw new InvalidKeyException("SM2 private key out of range");
      }
      return new Private(d);
    }

    /** A fresh key pair (GB/T 32918.1 clause 6.1: d uniform in [1, n-2]). */
    public static Private generate(SecureRandom random) {
      return new Private(randomScalar(random, N_MINUS_2));
    }

    /** The matching public key. */
    public Public publicKey() {
      return publicKey;
    }

    BigInteger dPlus1Inverse() {
      BigInteger inv = dPlus1Inverse;
      if (inv == null) {
        // Benign race: two threads may both compute the same value.
        inv = d.add(BigInteger.ONE).modInverse(N);
        dPlus1Inverse = inv;
      }
      return inv;
    }

    /** The scalar d (for encoding the key; never logged). */
    public BigInteger scalar() {
      return d;
    }

    @Override
    public String toString() {
      return "Sm2.Private[public=" + publicKey + "]";
    }
  }

  /** Uniform in [1, max] by rejection sampling of 256-bit strings. */
  static BigInteger randomScalar(SecureRandom random, BigInteger max) {
    byte[] b = new byte[FIELD];
    while (true) {
      random.nextBytes(b);
      BigInteger k = new BigInteger(1, b);
      if (k.signum() > 0 && k.compareTo(max) <= 0) {
        Arrays.fill(b, (byte) 0);
        return k;
      }
    }
  }

  /** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 clause 5.5. */
  public static byte[] z(byte[] userId, Public key) {
    SM3Digest d = new SM3Digest();
    int bits = userId.length * 8;
    d.update((byte) (bits >>> 8));
    d.update((byte) bits);
    d.update(userId, 0, userId.length);
    byte[] buf = new byte[FIELD];
    for (BigInteger v : new BigInteger[] {Fp.P.subtract(BigInteger.valueOf(3)), Ec.B_INT,
        Ec.GX_INT, Ec.GY_INT}) {
      byte[] m = v.toByteArray();
      Arrays.fill(buf, (byte) 0);
      int n = Math.min(m.length, FIELD);
      System.arraycopy(m, m.length - n, buf, FIELD - n, n);
      d.update(buf, 0, FIELD);
    }
    d.update(key.encoded, 1, 2 * FIELD);
    byte[] out = new byte[HASH];
    d.doFinal(out, 0);
    return out;
  }

  private static BigInteger e(byte[] z, byte[] message) {
    SM3Digest digest = new SM3Digest();
    digest.update(z, 0, z.length);
    digest.update(message, 0, message.length);
    byte[] hash = new byte[HASH];
    digest.doFinal(hash, 0);
    return new BigInteger(1, hash);
  }

  /**
   * SM2 signature (GB/T 32918.2 clause 6) of {@code message} with the signer's Z value
   * ({@link #z}), DER encoded.
   */
  public static byte[] sign(Private key, byte[] z, byte[] message, SecureRandom random) {
    BigInteger e = e(z, message);
    while (true) {
      BigInteger k = randomScalar(random, N_MINUS_1);
      BigInteger[] rs = signWithNonce(key, e, k);
      if (rs != null) {
        try {
          return StandardDSAEncoding.INSTANCE.encode(N, rs[0], rs[1]);
        } catch (IOException ex) {
          throw new IllegalStateException("DER encoding of an SM2 signature failed", ex);
        }
      }
    }
  }

  /** (r, s) for hash value e and nonce k, or null when k must be replaced (r = 0, r + k = n, s = 0). */
  static BigInteger[] signWithNonce(Private key, BigInteger e, BigInteger k) {
    Ec.Scratch s = new Ec.Scratch();
    Ec.Jac p = new Ec.Jac();
    long[] kl = Fp.limbs(k);
    Ec.mulBase(p, kl, s);
    Arrays.fill(kl, 0);
    long[] x = Fp.create();
    long[] y = Fp.create();
    Ec.toAffine(p, x, y);
    BigInteger r = e.add(Fp.toBigInteger(x)).mod(N);
    if (r.signum() == 0 || r.add(k).equals(N)) {
      return null;
    }
    BigInteger sv = key.dPlus1Inverse().multiply(k.subtract(r.multiply(key.d))).mod(N);
    if (sv.signum() == 0) {
      return null;
    }
    return new BigInteger[] {r, sv};
  }

  /**
   * Verifies a DER SM2 signature (GB/T 32918.2 clause 7) against the signer's Z value: strict
   * DER, r and s in [1, n-1], t = r + s mod n ≠ 0, (x1, y1) = s·G + t·P, r = e + x1 mod n.
   */
  public static boolean verify(Public key, byte[] z, byte[] message, byte[] derSignature) {
    BigInteger[] rs;
    try {
      rs = StandardDSAEncoding.INSTANCE.decode(N, derSignature);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return verify(key, e(z, message), rs[0], rs[1]);
  }

  static boolean verify(Public key, BigInteger e, BigInteger r, BigInteger s) {
    if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    BigInteger t = r.add(s).mod(N);
    if (t.signum() == 0) {
      return false;
    }
    Ec.Jac p = new Ec.Jac();
    long[] kept = key.keptTable();
    if (kept != null) {
      Ec.mulAddKeptVar(p, Fp.limbs(s), kept, Fp.limbs(t));
    } else {
      Ec.mulAddVar(p, s, key.oddMultiples(), t);
    }
    if (p.isInfinity()) {
      return false;
    }
    // r = e + x1 mod n, x1 = X/Z^2 < p < 2n: x1 is c = r - e mod n or c + n. Checking
    // X = x1·Z^2 for both candidates saves the inversion (all values here are public).
    BigInteger c = r.subtract(e).mod(N);
    long[] z2 = Fp.create();
    Fp.sqr(z2, p.z);
    long[] xz2 = Fp.create();
    for (BigInteger x1 = c; x1.compareTo(Fp.P) < 0; x1 = x1.add(N)) {
      Fp.fromBigInteger(xz2, x1);
      Fp.mul(xz2, xz2, z2);
      if (Fp.equal(xz2, p.x) != 0) {
        return true;
      }
    }
    return false;
  }

  /** SM2 encryption (GB/T 32918.4 clause 6), C1C3C2: 04 || x1 || y1 || C3 || C2. */
  public static byte[] encrypt(Public key, byte[] message, SecureRandom random) {
    if (message.length == 0) {
      throw new IllegalArgumentException("SM2 encryption of an empty message");
    }
    while (true) {
      BigInteger k = randomScalar(random, N_MINUS_1);
      byte[] c = encryptWithNonce(key, message, k);
      if (c != null) {
        return c;
      }
    }
  }

  /** C1C3C2 with nonce k, or null when k must be replaced (the KDF output is all zero). */
  static byte[] encryptWithNonce(Public key, byte[] message, BigInteger k) {
    Ec.Scratch s = new Ec.Scratch();
    long[] kl = Fp.limbs(k);
    Ec.Jac c1 = new Ec.Jac();
    Ec.mulBase(c1, kl, s);
    Ec.Jac shared = new Ec.Jac();
    Ec.mul(shared, key.jacobian(), kl, s);
    Arrays.fill(kl, 0);
    byte[] out = new byte[1 + 2 * FIELD + HASH + message.length];
    out[0] = 0x04;
    long[] x = Fp.create();
    long[] y = Fp.create();
    Ec.toAffine(c1, x, y);
    Fp.toBytes(x, out, 1);
    Fp.toBytes(y, out, 1 + FIELD);
    byte[] x2y2 = new byte[2 * FIELD];
    Ec.toAffine(shared, x, y);
    Fp.toBytes(x, x2y2, 0);
    Fp.toBytes(y, x2y2, FIELD);
    byte[] t = kdf(x2y2, message.length);
    long any = 0;
    for (byte b : t) {
      any |= b;
    }
    if (any == 0) {
      return null;
    }
    int c2 = 1 + 2 * FIELD + HASH;
    for (int i = 0; i < message.length; i++) {
      out[c2 + i] = (byte) (message[i] ^ t[i]);
    }
    c3(x2y2, message, out, 1 + 2 * FIELD);
    Arrays.fill(x2y2, (byte) 0);
    Arrays.fill(t, (byte) 0);
    return out;
  }

  /**
   * Decrypts C1C3C2 (GB/T 32918.4 clause 7): C1 must be a point of the curve, the KDF output not
   * all zero, C3 = SM3(x2 || M || y2) (compared in constant time).
   *
   * @throws BadPaddingException for any malformed or unauthentic ciphertext, without detail
   */
  public static byte[] decrypt(Private key, byte[] ciphertext) throws GeneralSecurityException {
    int c2 = 1 + 2 * FIELD + HASH;
    if (ciphertext.length <= c2 || ciphertext[0] != 0x04) {
      throw new BadPaddingException("SM2 decryption failed");
    }
    Public c1;
    try {
      c1 = Public.decode(Arrays.copyOf(ciphertext, 1 + 2 * FIELD));
    } catch (InvalidKeyException e) {
      throw new BadPaddingException("SM2 decryption failed");
    }
    Ec.Scratch s = new Ec.Scratch();
    Ec.Jac shared = new Ec.Jac();
    Ec.mul(shared, c1.jacobian(), key.limbs, s);
    long[] x = Fp.create();
    long[] y = Fp.create();
    Ec.toAffine(shared, x, y);
    byte[] x2y2 = new byte[2 * FIELD];
    Fp.toBytes(x, x2y2, 0);
    Fp.toBytes(y, x2y2, FIELD);
    int len = ciphertext.length - c2;
    byte[] t = kdf(x2y2, len);
    long any = 0;
    for (byte b : t) {
      any |= b;
    }
    byte[] m = new byte[len];
    for (int i = 0; i < len; i++) {
      m[i] = (byte) (ciphertext[c2 + i] ^ t[i]);
    }
    byte[] u = new byte[HASH];
    c3(x2y2, m, u, 0);
    boolean ok = MessageDigest.isEqual(u, Arrays.copyOfRange(ciphertext, 1 + 2 * FIELD, c2));
    Arrays.fill(x2y2, (byte) 0);
    Arrays.fill(t, (byte) 0);
    if (!ok || any == 0) {
      Arrays.fill(m, (byte) 0);
      throw new BadPaddingException("SM2 decryption failed");
    }
    return m;
  }

  /** {@link #encrypt} in the DER form of GM/T 0009. */
  public static byte[] encryptDer(Public key, byte[] message, SecureRandom random) {
    return toDer(encrypt(key, message, random));
  }

  /** C1C3C2 raw → GM/T 0009 DER. */
  static byte[] toDer(byte[] raw) {
    int c1 = 1 + 2 * FIELD;
    try {
      return new DERSequence(new ASN1Encodable[] {
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + FIELD))),
          new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1 + FIELD, c1))),
          new DEROctetString(Arrays.copyOfRange(raw, c1, c1 + HASH)),
          new DEROctetString(Arrays.copyOfRange(raw, c1 + HASH, raw.length))
      }).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of an SM2 ciphertext failed", e);
    }
  }

  /**
   * Decrypts the DER form of GM/T 0009 (strict DER, x and y at most 256 bits, a 32-byte hash, a
   * non-empty ciphertext).
   *
   * @throws BadPaddingException for any malformed or unauthentic ciphertext, without detail
   */
  public static byte[] decryptDer(Private key, byte[] der) throws GeneralSecurityException {
    byte[] raw;
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(der);
      if (!Arrays.equals(prim.getEncoded(ASN1Encoding.DER), der)) {
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
      if (x.bitLength() > 8 * FIELD || y.bitLength() > 8 * FIELD || hash.length != HASH
          || ct.length == 0) {
        throw new BadPaddingException("SM2 ciphertext is malformed");
      }
      raw = new byte[1 + 2 * FIELD + HASH + ct.length];
      raw[0] = 0x04;
      put(x, raw, 1);
      put(y, raw, 1 + FIELD);
      System.arraycopy(hash, 0, raw, 1 + 2 * FIELD, HASH);
      System.arraycopy(ct, 0, raw, 1 + 2 * FIELD + HASH, ct.length);
    } catch (IOException | RuntimeException e) {
      throw new BadPaddingException("SM2 ciphertext is malformed");
    }
    return decrypt(key, raw);
  }

  private static void put(BigInteger v, byte[] out, int off) {
    byte[] m = v.toByteArray();
    int n = Math.min(m.length, FIELD);
    System.arraycopy(m, m.length - n, out, off + FIELD - n, n);
  }

  /**
   * Elliptic-curve Diffie-Hellman on sm2p256v1, as TLS 1.3 uses it with the curveSM2 group (RFC 8998
   * clause 3.2.1, RFC 8446 clause 7.4.2): the x-coordinate of d·P, 32 bytes big-endian with leading
   * zeros kept. Constant time in d ({@link Ec#mul}): d is this side's ephemeral secret, P whatever
   * the peer sent ({@link Public#decode} has checked it is a point of the curve; the group has
   * prime order, so d·P is never infinity for 0 &lt; d &lt; n).
   */
  public static byte[] agree(Private own, Public peer) {
    Ec.Jac shared = new Ec.Jac();
    Ec.mul(shared, peer.jacobian(), own.limbs, new Ec.Scratch());
    long[] x = Fp.create();
    long[] y = Fp.create();
    Ec.toAffine(shared, x, y);
    byte[] out = new byte[FIELD];
    Fp.toBytes(x, out, 0);
    Arrays.fill(x, 0);
    Arrays.fill(y, 0);
    return out;
  }

  /**
   * The SM2 key exchange (GB/T 32918.3 clause 6) without the optional confirmation hashes:
   * U = [tA](PB + [x̄2]RB), tA = dA + x̄1·rA mod n, K = KDF(xU || yU || ZA || ZB, length), where
   * ZA is the initiator's Z and ZB the responder's (each with its own static key).
   *
   * @param ownZ this side's Z ({@link #z} of its static public key)
   * @param peerZ the peer's Z
   * @throws InvalidKeyException if U is the point at infinity
   */
  public static byte[] keyExchange(int length, boolean initiator, Private ownStatic,
      Private ownEphemeral, byte[] ownZ, Public peerStatic, Public peerEphemeral, byte[] peerZ)
      throws InvalidKeyException {
    BigInteger x1 = xBar(ownEphemeral.publicKey);
    BigInteger tA = ownStatic.d.add(x1.multiply(ownEphemeral.d)).mod(N);
    BigInteger x2 = xBar(peerEphemeral);
    // V = PB + [x̄2]RB: public values, variable time.
    Ec.Jac v = new Ec.Jac();
    Ec.mulVar(v, x2, peerEphemeral.oddMultiples());
    Ec.addVar(v, v, peerStatic.jacobian(), new Ec.Scratch());
    if (v.isInfinity() || tA.signum() == 0) {
      throw new InvalidKeyException("SM2 key exchange failed");
    }
    // Normalise V so that the constant-time multiplication starts from an affine point.
    Public vAffine = Public.of(v);
    Ec.Jac u = new Ec.Jac();
    long[] tl = Fp.limbs(tA);
    Ec.mul(u, vAffine.jacobian(), tl, new Ec.Scratch());
    Arrays.fill(tl, 0);
    if (u.isInfinity()) {
      throw new InvalidKeyException("SM2 key exchange failed");
    }
    long[] x = Fp.create();
    long[] y = Fp.create();
    Ec.toAffine(u, x, y);
    byte[] in = new byte[2 * FIELD + 2 * HASH];
    Fp.toBytes(x, in, 0);
    Fp.toBytes(y, in, FIELD);
    System.arraycopy(initiator ? ownZ : peerZ, 0, in, 2 * FIELD, HASH);
    System.arraycopy(initiator ? peerZ : ownZ, 0, in, 2 * FIELD + HASH, HASH);
    byte[] k = kdf(in, length);
    Arrays.fill(in, (byte) 0);
    return k;
  }

  /** x̄ = 2^w + (x mod 2^w), w = ⌈⌈log2 n⌉ / 2⌉ - 1 = 127. */
  private static BigInteger xBar(Public p) {
    return Fp.toBigInteger(p.x).mod(TWO_POW_127).add(TWO_POW_127);
  }

  /** KDF of GB/T 32918.4 clause 5.4.3 with SM3: SM3(z || ct) for ct = 1, 2, ... (32-bit BE). */
  static byte[] kdf(byte[] z, int length) {
    byte[] out = new byte[length];
    byte[] block = new byte[HASH];
    SM3Digest d = new SM3Digest();
    int ct = 1;
    for (int off = 0; off < length; off += HASH, ct++) {
      d.update(z, 0, z.length);
      d.update((byte) (ct >>> 24));
      d.update((byte) (ct >>> 16));
      d.update((byte) (ct >>> 8));
      d.update((byte) ct);
      d.doFinal(block, 0);
      System.arraycopy(block, 0, out, off, Math.min(HASH, length - off));
    }
    Arrays.fill(block, (byte) 0);
    return out;
  }

  /** C3 = SM3(x2 || M || y2) into out at off. */
  private static void c3(byte[] x2y2, byte[] m, byte[] out, int off) {
    SM3Digest d = new SM3Digest();
    d.update(x2y2, 0, FIELD);
    d.update(m, 0, m.length);
    d.update(x2y2, FIELD, FIELD);
    d.doFinal(out, off);
  }
}
