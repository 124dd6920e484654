package io.gmtls.crypto.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A check of a chain that has already been validated to a trust anchor, run last by
 * {@link CertificateChainVerifier}. The gateway puts its revocation check here (adapting tlcp's
 * {@code RevocationChecker}, the project's one revocation vocabulary, which this low-level module
 * cannot depend on); clients that check nothing more pass {@link #NONE}.
 */
@FunctionalInterface
public interface PathCheck {

    /** Checks nothing. */
    PathCheck NONE = path -> { };

    /**
     * @param path the validated path, end entity first (unmodifiable)
     * @throws CertificateRejectedException to refuse the chain with its reason (alert); a
     *         {@code RuntimeException} refuses it as {@code certificate_unknown}
     */
    void check(List<X509Certificate> path) throws CertificateRejectedException;
}
