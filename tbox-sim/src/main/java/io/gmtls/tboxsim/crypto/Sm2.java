package io.gmtls.tboxsim.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** SM2 keys on the curve sm2p256v1 (GB/T 32918.5): generation, and building keys from a scalar. */
public final class Sm2 {

    /** The curve's name in BouncyCastle. */
    public static final String CURVE = "sm2p256v1";

    /** The SM2-with-SM3 signature algorithm name in BouncyCastle (user ID 1234567812345678). */
    public static final String SIGNATURE = "SM3withSM2";

    static final ECNamedCurveParameterSpec SPEC = ECNamedCurveTable.getParameterSpec(CURVE);

    private Sm2() {
    }

    /** A fresh SM2 key pair. */
    public static KeyPair generateKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Bc.PROVIDER);
            generator.initialize(new ECGenParameterSpec(CURVE), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("BouncyCastle cannot generate SM2 keys", e);
        }
    }

    /** The curve order n. */
    public static BigInteger order() {
        return SPEC.getN();
    }

    /**
     * The key pair of the private scalar {@code d} (1 ≤ d ≤ n-2 per GB/T 32918.1; checked by the caller
     * against what it expects the public key to be).
     */
    public static KeyPair fromPrivateScalar(BigInteger d) throws GeneralSecurityException {
        if (d.signum() <= 0 || d.compareTo(SPEC.getN().subtract(BigInteger.ONE)) >= 0) {
            throw new GeneralSecurityException("SM2 private scalar out of range");
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(SPEC.getG(), d).normalize();
        KeyFactory factory = KeyFactory.getInstance("EC", Bc.PROVIDER);
        PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, SPEC));
        PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(q, SPEC));
        return new KeyPair(publicKey, privateKey);
    }

    /** The uncompressed point 04 || X || Y of an SM2 public key. */
    public static byte[] encodePoint(PublicKey key) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        return info.getPublicKeyData().getOctets();
    }

    /** Whether the certificate carries an SM2 key (EC key on sm2p256v1). */
    public static boolean isSm2(X509Certificate certificate) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
        return GMObjectIdentifiers.sm2p256v1.equals(info.getAlgorithm().getParameters());
    }
}
