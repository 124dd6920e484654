package io.gmtls.pki.core.crypto;

import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A signer over a JCA private key held in memory. SM2 signatures use the default user ID. */
public final class JcaCaSigner implements CaSigner {

    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final KeyAlgorithm algorithm;
    private final JcaContentSignerBuilder builder;

    public JcaCaSigner(PublicKey publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.algorithm = KeyAlgorithm.of(SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
        this.builder = new JcaContentSignerBuilder(algorithm.signatureAlgorithm()).setProvider(GmCrypto.provider());
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
