package io.gmtls.proxy.tls;

import java.security.PublicKey;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** Tells SM2 keys from other EC keys, whatever provider made the key object. */
final class Sm2Keys {

    private Sm2Keys() {
    }

    /** True when the key is an EC key on the SM2 curve (sm2p256v1), however its algorithm is labelled. */
    static boolean isSm2(PublicKey key) {
        if (key == null || key.getEncoded() == null) {
            return false;
        }
        try {
            AlgorithmIdentifier algorithm = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm();
            if (GMObjectIdentifiers.sm2encrypt.equals(algorithm.getAlgorithm())
                    || GMObjectIdentifiers.sm2sign.equals(algorithm.getAlgorithm())) {
                return true;
            }
            ASN1Encodable parameters = algorithm.getParameters();
            return parameters != null && GMObjectIdentifiers.sm2p256v1.equals(parameters.toASN1Primitive());
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    static boolean isSm2(X509Certificate certificate) {
        return isSm2(certificate.getPublicKey());
    }
}
