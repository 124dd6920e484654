package io.gmtls.pki.core.crypto;

import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;

/**
 * A CA signing key, wherever it lives. The file key store holds the private key in memory; a PKCS#11
 * implementation would return a {@link ContentSigner} that signs inside the HSM.
 */
public interface CaSigner {

    /** The public key that verifies this signer's signatures. */
    PublicKey publicKey();

    /** The algorithm of the key (selects the signature algorithm). */
    KeyAlgorithm keyAlgorithm();

    /** A fresh content signer (not thread-safe: one per certificate, CRL or OCSP response). */
    ContentSigner newContentSigner();
}
