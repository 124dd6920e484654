package io.gmtls.pki.core.crypto;

import java.security.PrivateKey;

/**
 * Where CA private keys live (a port: files today, an HSM over PKCS#11 later). Keys are named by
 * an alias; the CA table stores only the alias.
 */
public interface CaKeyStore {

    /** The signer for a stored key; fails with a message naming the alias when it is missing. */
    CaSigner signer(String alias);

    /** True when a key with that alias exists. */
    boolean contains(String alias);

    /** Stores a private key under a new alias (bootstrap and import); refuses to overwrite. */
    void store(String alias, PrivateKey key);
}
