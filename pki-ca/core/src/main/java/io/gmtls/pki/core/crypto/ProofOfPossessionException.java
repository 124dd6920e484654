package io.gmtls.pki.core.crypto;

import io.gmtls.pki.core.PkiException;

/**
 * A CSR whose signature does not verify with its own public key (or cannot be verified at all): the
 * requester has not shown that it holds the private key. A 400 like every bad CSR, but its own type so
 * that callers (the RA's problem types) need not match message text.
 */
public final class ProofOfPossessionException extends PkiException {

    private static final long serialVersionUID = 1L;

    public ProofOfPossessionException(String reason) {
        super(Kind.BAD_REQUEST, "csr proof of possession failed: " + reason);
    }
}
