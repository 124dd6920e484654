package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.Sm2Keys;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A signer over a private key held in memory. SM2 keys sign through a pool of initialised
 * BouncyCastle {@code SM2Signer}s (default user ID; see {@link Sm2Operators}); other keys through the
 * JCA.
 */
public final class JcaCaSigner implements CaSigner {

    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final KeyAlgorithm algorithm;
    private final JcaContentSignerBuilder builder;
    private final Sm2Operators.SignerPool sm2;

    public JcaCaSigner(PublicKey publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.algorithm = KeyAlgorithm.of(SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
        this.builder = new JcaContentSignerBuilder(algorithm.signatureAlgorithm()).setProvider(GmCrypto.provider());
        this.sm2 = algorithm == KeyAlgorithm.SM2
                ? new Sm2Operators.SignerPool(Sm2Keys.privateParameters(privateKey), new SecureRandom())
                : null;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public KeyAlgorithm keyAlgorithm() {
        return algorithm;
    }

    @Override
    public ContentSigner newContentSigner() {
        if (sm2 != null) {
            return sm2.contentSigner();
        }
        try {
            return builder.build(privateKey);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot create a " + algorithm + " signer", e);
        }
    }

    @Override
    public String toString() {
        return "JcaCaSigner[" + algorithm + "]";
    }
}
