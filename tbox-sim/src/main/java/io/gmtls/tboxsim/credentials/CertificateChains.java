package io.gmtls.tboxsim.credentials;

import io.gmtls.crypto.BouncyCastle;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Completes an end-entity certificate into the chain a TLS/TLCP client presents. certs-dev and the
 * enrollment folder keep only the leaf in {@code VIN-sign.crt}; the issuing CA comes from the trust
 * bundle.
 */
public final class CertificateChains {

    private static final int MAX_DEPTH = 8;

    private CertificateChains() {
    }

    /**
     * The leaf followed by its issuers found in {@code cas} (matched by name, then by signature), up to
     * but not including a self-signed root.
     */
    public static List<X509Certificate> complete(X509Certificate leaf, List<X509Certificate> cas) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        X509Certificate current = leaf;
        while (chain.size() < MAX_DEPTH && !selfIssued(current)) {
            X509Certificate issuer = issuerOf(current, cas);
            if (issuer == null || selfIssued(issuer) || chain.contains(issuer)) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        return List.copyOf(chain);
    }

    private static X509Certificate issuerOf(X509Certificate certificate, List<X509Certificate> cas) {
        for (X509Certificate candidate : cas) {
            if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                    && signedBy(certificate, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether {@code issuer}'s key verifies {@code certificate}'s signature (SM2 through BouncyCastle). */
    public static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey(), BouncyCastle.PROVIDER);
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }
}
