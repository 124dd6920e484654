package io.gmtls.pki.core.crypto;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Public-key algorithms the CA can tell apart in a request. */
public enum KeyAlgorithm {
    /** SM2 on the curve sm2p256v1 (1.2.156.10197.1.301). */
    SM2("SM3withSM2"),
    /** ECDSA on NIST P-256 (the TLS 1.3 path). */
    EC_P256("SHA256withECDSA"),
    /** ECDSA on NIST P-384. */
    EC_P384("SHA384withECDSA"),
    /** RSA. Never accepted by the default profiles; named so that a request for it gets a clear reason. */
    RSA("SHA256withRSA"),
    /** Anything else. */
    OTHER(null);

    private final String signatureAlgorithm;

    KeyAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA signature algorithm a CA with a key of this kind signs with. */
    public String signatureAlgorithm() {
        if (signatureAlgorithm == null) {
            throw new IllegalStateException("no signature algorithm for " + this);
        }
        return signatureAlgorithm;
    }

    /** Classifies a SubjectPublicKeyInfo by algorithm and curve. */
    public static KeyAlgorithm of(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
            return RSA;
        }
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg) && !GMObjectIdentifiers.sm2p256v1.equals(alg)) {
            return OTHER;
        }
        Object params = spki.getAlgorithm().getParameters();
        if (GMObjectIdentifiers.sm2p256v1.equals(alg) || GMObjectIdentifiers.sm2p256v1.equals(params)) {
            return SM2;
        }
        if (X9ObjectIdentifiers.prime256v1.equals(params)) {
            return EC_P256;
        }
        if (SECObjectIdentifiers.secp384r1.equals(params)) {
            return EC_P384;
        }
        return OTHER;
    }

    /** A JCA public key from a SubjectPublicKeyInfo (any algorithm BouncyCastle knows). */
    public static java.security.PublicKey publicKey(SubjectPublicKeyInfo spki) throws java.security.GeneralSecurityException {
        try {
            String algorithm = of(spki) == RSA ? "RSA" : "EC";
            return java.security.KeyFactory.getInstance(algorithm, GmCrypto.provider())
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(spki.getEncoded()));
        } catch (java.io.IOException e) {
            throw new java.security.GeneralSecurityException("unreadable public key", e);
        }
    }
}
