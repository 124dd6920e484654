package io.gmtls.pki.core.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;

/** SM2 key pairs and conversions between JCA keys and BouncyCastle's low-level parameters. */
public final class Sm2Keys {

    /** The sm2p256v1 curve. */
    public static final X9ECParameters CURVE = GMNamedCurves.getByName("sm2p256v1");
    /** The sm2p256v1 domain parameters. */
    public static final ECDomainParameters DOMAIN =
            new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

    // Named, so that encoded keys carry the curve OID rather than explicit parameters.
    private static final ECParameterSpec SPEC = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("sm2p256v1");

    private Sm2Keys() {
    }

    /** A fresh SM2 key pair. */
    public static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", GmCrypto.provider());
            generator.initialize(new ECGenParameterSpec("sm2p256v1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM2 key generation is not available", e);
        }
    }

    /** A JCA public key from a SubjectPublicKeyInfo (any algorithm BouncyCastle knows). */
    public static PublicKey publicKey(SubjectPublicKeyInfo spki) throws GeneralSecurityException {
        try {
            String algorithm = KeyAlgorithm.of(spki) == KeyAlgorithm.RSA ? "RSA" : "EC";
            return KeyFactory.getInstance(algorithm, GmCrypto.provider())
                    .generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("unreadable public key", e);
        }
    }

    /** True when the key is an EC key on sm2p256v1. */
    public static boolean isSm2(PublicKey key) {
        return KeyAlgorithm.of(SubjectPublicKeyInfo.getInstance(key.getEncoded())) == KeyAlgorithm.SM2;
    }

    /** BouncyCastle parameters of an SM2 public key; rejects keys on other curves. */
    public static ECPublicKeyParameters publicParameters(PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || !isSm2(key)) {
            throw new IllegalArgumentException("not an SM2 public key");
        }
        ECPoint q = CURVE.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY());
        return new ECPublicKeyParameters(q, DOMAIN);
    }

    /** BouncyCastle parameters of an SM2 private key. */
    public static ECPrivateKeyParameters privateParameters(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("not an EC private key");
        }
        return new ECPrivateKeyParameters(ec.getS(), DOMAIN);
    }

    /** A JCA SM2 key pair from the private scalar d (the public point is d·G). */
    public static KeyPair fromPrivateScalar(BigInteger d) throws GeneralSecurityException {
        if (d.signum() <= 0 || d.compareTo(CURVE.getN().subtract(BigInteger.ONE)) >= 0) {
            throw new GeneralSecurityException("SM2 private key out of range");
        }
        KeyFactory factory = KeyFactory.getInstance("EC", GmCrypto.provider());
        ECPoint q = CURVE.getG().multiply(d).normalize();
        PrivateKey priv = factory.generatePrivate(new ECPrivateKeySpec(d, SPEC));
        PublicKey pub = factory.generatePublic(new ECPublicKeySpec(q, SPEC));
        return new KeyPair(pub, priv);
    }

    /** A JCA SM2 public key from an uncompressed point 04||X||Y. */
    public static PublicKey fromPoint(byte[] encodedPoint) throws GeneralSecurityException {
        try {
            ECPoint q = CURVE.getCurve().decodePoint(encodedPoint);
            return KeyFactory.getInstance("EC", GmCrypto.provider()).generatePublic(new ECPublicKeySpec(q, SPEC));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a point on sm2p256v1", e);
        }
    }

    /** The uncompressed encoding 04||X||Y of an SM2 public key. */
    public static byte[] encodePoint(PublicKey key) {
        return publicParameters(key).getQ().getEncoded(false);
    }
}
