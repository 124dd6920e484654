package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.KeyAlgorithm;
import java.security.cert.X509Certificate;

/**
 * A CA as stored: its certificate, the alias of its key in the key store (null for an offline root)
 * and its parent.
 *
 * @param name        short name used in URLs and profiles, e.g. {@code sm2-issuing}
 * @param role        root or issuing
 * @param algorithm   the CA key's algorithm
 * @param certificate the CA certificate
 * @param keyAlias    key store alias, null when the key is not held here
 * @param parent      name of the CA that signed this one, null for a root
 */
public record CaRecord(String name, CaRole role, KeyAlgorithm algorithm, X509Certificate certificate,
        String keyAlias, String parent) {

    public CaRecord {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("invalid CA name: " + name);
        }
    }
}
