package io.gmtls.certsdev;

import io.gmtls.crypto.BouncyCastle;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** Key algorithms of the development PKI and the signature algorithm each family uses. */
public enum KeyType {
    /** SM2 on curve sm2p256v1, certificates signed SM2-with-SM3 (user ID 1234567812345678). */
    SM2("sm2p256v1", "SM3withSM2", "SM2"),
    /** ECDSA on NIST P-256, certificates signed ECDSA-with-SHA256. */
    EC_P256("secp256r1", "SHA256withECDSA", "EC P-256");

    private final String curve;
    private final String signatureAlgorithm;
    private final String displayName;

    KeyType(String curve, String signatureAlgorithm, String displayName) {
        this.curve = curve;
        this.signatureAlgorithm = signatureAlgorithm;
        this.displayName = displayName;
    }

    /** JCA name of the signature algorithm a CA of this family signs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Name used in the manifest. */
    public String displayName() {
        return displayName;
    }

    /** The family of a certificate's public key: SM2 when its curve parameters are sm2p256v1. */
    static KeyType of(X509Certificate certificate) {
        byte[] spki = certificate.getPublicKey().getEncoded();
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
        return GMObjectIdentifiers.sm2p256v1.equals(info.getAlgorithm().getParameters()) ? SM2 : EC_P256;
    }

    KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
            generator.initialize(new ECGenParameterSpec(curve), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + displayName + " key pair", e);
        }
    }
}
