package io.gmtls.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPrivateKey;
import org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPublicKey;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.FixedPointUtil;

/**
 * SM2 keys (GB/T 32918, curve sm2p256v1): generation, building keys from a scalar or a point, telling SM2
 * keys from other EC keys, and conversions between JCA keys and BouncyCastle's low-level parameters.
 * Everything runs on BouncyCastle's dedicated sm2p256v1 implementation ({@code CustomNamedCurves}:
 * special-form field arithmetic, several times faster than the generic prime curve of
 * {@code GMNamedCurves}), with k·G by the fixed-point comb over a precomputed table of G.
 */
public final class Sm2Keys {

    /** The curve's name in BouncyCastle. */
    public static final String CURVE_NAME = "sm2p256v1";
    /** The SM2-with-SM3 signature algorithm's JCA name in BouncyCastle (user ID 1234567812345678). */
    public static final String SIGNATURE_ALGORITHM = "SM3withSM2";
    /** The sm2p256v1 curve (BouncyCastle's custom implementation). */
    public static final X9ECParameters CURVE = CustomNamedCurves.getByName(CURVE_NAME);
    /** The sm2p256v1 domain parameters. */
    public static final ECDomainParameters DOMAIN =
            new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

    // Named, so that encoded keys carry the curve OID rather than explicit parameters.
    private static final ECNamedCurveParameterSpec SPEC = new ECNamedCurveParameterSpec(CURVE_NAME,
            CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH(), CURVE.getSeed());
    private static final java.security.spec.ECParameterSpec JCA_SPEC =
            EC5Util.convertSpec(EC5Util.convertCurve(CURVE.getCurve(), CURVE.getSeed()), SPEC);
    private static final AlgorithmIdentifier SPKI_ALGORITHM =
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, GMObjectIdentifiers.sm2p256v1);
    private static final FixedPointCombMultiplier COMB = new FixedPointCombMultiplier();
    private static final BigInteger N_MINUS_ONE = CURVE.getN().subtract(BigInteger.ONE);

    static {
        FixedPointUtil.precompute(DOMAIN.getG());
    }

    private Sm2Keys() {
    }

    /** The curve order n. */
    public static BigInteger order() {
        return CURVE.getN();
    }

    /** k·G by the fixed-point comb (G's table is computed once). */
    public static ECPoint multiplyG(BigInteger k) {
        return COMB.multiply(DOMAIN.getG(), k).normalize();
    }

    /**
     * A fresh SM2 key pair (GB/T 32918.1 §6.1: d in [1, n-2], Q = d·G), as JCA keys of the BouncyCastle
     * provider, from BouncyCastle's EC key generator on the custom curve (no JCA provider lookups).
     */
    public static KeyPair generate(SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(DOMAIN, random));
        while (true) {
            AsymmetricCipherKeyPair pair = generator.generateKeyPair();
            BigInteger d = ((ECPrivateKeyParameters) pair.getPrivate()).getD();
            if (d.compareTo(N_MINUS_ONE) < 0) { // BouncyCastle allows n-1, SM2 does not (d+1 must be invertible)
                return keyPair(d, ((ECPublicKeyParameters) pair.getPublic()).getQ().normalize());
            }
        }
    }

    private static KeyPair keyPair(BigInteger d, ECPoint q) {
        BCECPublicKey pub = new BCECPublicKey("EC", new ECPublicKeyParameters(q, DOMAIN), JCA_SPEC,
                BouncyCastleProvider.CONFIGURATION);
        BCECPrivateKey priv = new BCECPrivateKey("EC", new ECPrivateKeyParameters(d, DOMAIN), pub, JCA_SPEC,
                BouncyCastleProvider.CONFIGURATION);
        return new KeyPair(pub, priv);
    }

    /** The SubjectPublicKeyInfo of an SM2 point (named curve, uncompressed point). */
    public static SubjectPublicKeyInfo subjectPublicKeyInfo(ECPoint q) {
        return new SubjectPublicKeyInfo(SPKI_ALGORITHM, q.getEncoded(false));
    }

    /**
     * True when the key is an EC key on sm2p256v1, whatever provider made the key object and however its
     * algorithm is labelled (id-ecPublicKey with the curve OID, or GM/T's sm2 algorithm identifiers).
     * False for null or unreadable keys.
     */
    public static boolean isSm2(PublicKey key) {
        if (key instanceof org.bouncycastle.jce.interfaces.ECPublicKey bc && bc.getParameters() != null
                && bc.getParameters().getCurve().equals(CURVE.getCurve())) {
            return true;
        }
        if (key == null || key.getEncoded() == null) {
            return false;
        }
        try {
            return isSm2(SubjectPublicKeyInfo.getInstance(key.getEncoded()));
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** True when the certificate carries an SM2 key ({@link #isSm2(PublicKey)}). */
    public static boolean isSm2(X509Certificate certificate) {
        return isSm2(certificate.getPublicKey());
    }

    /** True when the SubjectPublicKeyInfo holds an SM2 key (see {@link #isSm2(PublicKey)}). */
    public static boolean isSm2(SubjectPublicKeyInfo spki) {
        AlgorithmIdentifier algorithm = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (GMObjectIdentifiers.sm2p256v1.equals(oid) || GMObjectIdentifiers.sm2encrypt.equals(oid)
                || GMObjectIdentifiers.sm2sign.equals(oid)) {
            return true;
        }
        ASN1Encodable parameters = algorithm.getParameters();
        return parameters != null && GMObjectIdentifiers.sm2p256v1.equals(parameters.toASN1Primitive());
    }

    /** BouncyCastle parameters of an SM2 public key; rejects keys on other curves. */
    public static ECPublicKeyParameters publicParameters(PublicKey key) {
        if (key instanceof org.bouncycastle.jce.interfaces.ECPublicKey bc && bc.getParameters() != null
                && bc.getParameters().getCurve().equals(CURVE.getCurve())) {
            ECPoint q = bc.getQ();
            // The same curve object keeps the fast field; an equal but other instance is re-imported.
            return new ECPublicKeyParameters(q.getCurve() == CURVE.getCurve() ? q : CURVE.getCurve().importPoint(q),
                    DOMAIN);
        }
        if (!(key instanceof ECPublicKey ec) || !isSm2(key)) {
            throw new IllegalArgumentException("not an SM2 public key");
        }
        ECPoint q = CURVE.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY());
        if (!q.isValid()) {
            throw new IllegalArgumentException("not a point on sm2p256v1");
        }
        return new ECPublicKeyParameters(q, DOMAIN);
    }

    /** BouncyCastle parameters of the SM2 key in a SubjectPublicKeyInfo (the point is checked to be on the curve). */
    public static ECPublicKeyParameters publicParameters(SubjectPublicKeyInfo spki) throws GeneralSecurityException {
        if (!isSm2(spki)) {
            throw new GeneralSecurityException("not an SM2 public key");
        }
        try {
            ECPoint q = CURVE.getCurve().decodePoint(spki.getPublicKeyData().getOctets());
            if (q.isInfinity() || !q.isValid()) {
                throw new GeneralSecurityException("not a point on sm2p256v1");
            }
            return new ECPublicKeyParameters(q, DOMAIN);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new GeneralSecurityException("not a point on sm2p256v1", e);
        }
    }

    /** BouncyCastle parameters of an SM2 private key. */
    public static ECPrivateKeyParameters privateParameters(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("not an EC private key");
        }
        return new ECPrivateKeyParameters(ec.getS(), DOMAIN);
    }

    /**
     * A JCA SM2 key pair from the private scalar d (the public point is d·G).
     *
     * @throws GeneralSecurityException unless 1 ≤ d ≤ n-2 (GB/T 32918.1)
     */
    public static KeyPair fromPrivateScalar(BigInteger d) throws GeneralSecurityException {
        if (d.signum() <= 0 || d.compareTo(N_MINUS_ONE) >= 0) {
            throw new GeneralSecurityException("SM2 private key out of range");
        }
        return keyPair(d, multiplyG(d));
    }

    /** A JCA SM2 public key from an uncompressed point 04||X||Y. */
    public static PublicKey fromPoint(byte[] encodedPoint) throws GeneralSecurityException {
        try {
            ECPoint q = CURVE.getCurve().decodePoint(encodedPoint);
            return new BCECPublicKey("EC", new ECPublicKeyParameters(q, DOMAIN), JCA_SPEC,
                    BouncyCastleProvider.CONFIGURATION);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a point on sm2p256v1", e);
        }
    }

    /** The uncompressed encoding 04||X||Y of an SM2 public key. */
    public static byte[] encodePoint(PublicKey key) {
        return publicParameters(key).getQ().getEncoded(false);
    }
}
