package io.gmtls.pki.core.crypto;

import java.security.GeneralSecurityException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Subject public keys in the one encoding a certificate carries: {@code id-ecPublicKey} with the
 * named curve (sm2p256v1, P-256 or P-384) and the uncompressed point. A request may encode the same
 * key otherwise (a compressed point, the SM2 curve OID as the algorithm); copying that encoding into a
 * certificate gives keys other software cannot load and makes byte comparisons of keys miss.
 */
public final class SubjectKeys {

    private SubjectKeys() {
    }

    /**
     * The canonical form of an EC subject key: the point is decoded (and checked to be on the curve)
     * and re-encoded. RSA and unknown algorithms are returned as given: no profile accepts them, and
     * the policy refuses them with the reason.
     *
     * @throws GeneralSecurityException when an EC key's point is not on its curve
     */
    public static SubjectPublicKeyInfo canonical(SubjectPublicKeyInfo spki) throws GeneralSecurityException {
        ASN1ObjectIdentifier curve = switch (KeyAlgorithm.of(spki)) {
            case SM2 -> GMObjectIdentifiers.sm2p256v1;
            case EC_P256 -> X9ObjectIdentifiers.prime256v1;
            case EC_P384 -> SECObjectIdentifiers.secp384r1;
            default -> null;
        };
        if (curve == null) {
            return spki;
        }
        X9ECParameters parameters = CustomNamedCurves.getByOID(curve);
        try {
            ECPoint q = parameters.getCurve().decodePoint(spki.getPublicKeyData().getOctets());
            if (q.isInfinity() || !q.isValid()) {
                throw new GeneralSecurityException("the public key is not a point on its curve");
            }
            return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
                    q.getEncoded(false));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new GeneralSecurityException("the public key is not a point on its curve", e);
        }
    }

    /**
     * True when two subject keys are the same key, whatever their encodings (compared as canonical
     * keys: algorithm, curve and point).
     */
    public static boolean sameKey(SubjectPublicKeyInfo a, SubjectPublicKeyInfo b) throws GeneralSecurityException {
        try {
            return java.security.MessageDigest.isEqual(canonical(a).getEncoded("DER"), canonical(b).getEncoded("DER"));
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("unencodable public key", e);
        }
    }
}
