package io.gmtls.certsdev;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate, its private key and its chain up to the root.
 *
 * @param role        what the credential is for (see {@link Role})
 * @param certificate the certificate
 * @param privateKey  its private key
 * @param chain       the certificate first, then each issuing CA, the root last
 */
public record Credential(Role role, X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

    public Credential {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("chain must start with the certificate");
        }
    }

    /** The certificate's subject common name. */
    public String commonName() {
        return Names.commonName(certificate.getSubjectX500Principal());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "Credential[" + role + ", " + certificate.getSubjectX500Principal().getName()
                + ", serial " + certificate.getSerialNumber().toString(16) + "]";
    }
}
