package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.CertificateChainVerifier;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import io.gmtls.tlcp.RevocationChecker;
import io.netty.handler.ssl.ClientAuth;

/**
 * Whether and how TLS 1.3 clients authenticate with certificates.
 *
 * @param mode     {@link ClientAuth#NONE}, {@link ClientAuth#OPTIONAL} (verified when sent) or
 *                 {@link ClientAuth#REQUIRE}
 * @param standard verifier for ECDSA/RSA client chains (standard suites), or null when none are trusted
 * @param sm2      verifier for SM2 client chains (TLS_SM4_GCM_SM3), or null when none are trusted
 */
public record Tls13ClientAuth(ClientAuth mode, CertificateChainVerifier standard, CertificateChainVerifier sm2) {

    public Tls13ClientAuth {
        Objects.requireNonNull(mode, "mode");
        if (standard != null && standard.isSm2()) {
            throw new IllegalArgumentException("the standard client-certificate verifier is an SM2 one");
        }
        if (sm2 != null && !sm2.isSm2()) {
            throw new IllegalArgumentException("the SM2 client-certificate verifier is not an SM2 one");
        }
        if (mode == ClientAuth.NONE && (standard != null || sm2 != null)) {
            throw new IllegalArgumentException("client auth NONE takes no trust bundles");
        }
        if (mode != ClientAuth.NONE && standard == null && sm2 == null) {
            throw new IllegalArgumentException("client auth " + mode + " needs a trust bundle");
        }
    }

    /** No client certificates are asked for. */
    public static Tls13ClientAuth none() {
        return new Tls13ClientAuth(ClientAuth.NONE, null, null);
    }

    /**
     * Client certificates asked for and verified against the bundles (PEM lists of roots and intermediates).
     *
     * @param standardTrust ECDSA/RSA roots and intermediates; empty when no standard client is trusted
     * @param sm2Trust      SM2 roots and intermediates; empty when no SM2 client is trusted
     */
    public static Tls13ClientAuth of(ClientAuth mode, List<X509Certificate> standardTrust,
            List<X509Certificate> sm2Trust, RevocationChecker revocation) {
        return new Tls13ClientAuth(mode,
                standardTrust.isEmpty() ? null : CertificateChainVerifier.standard(standardTrust, RevocationPathCheck.of(revocation)),
                sm2Trust.isEmpty() ? null : CertificateChainVerifier.sm2(sm2Trust, RevocationPathCheck.of(revocation)));
    }
}
