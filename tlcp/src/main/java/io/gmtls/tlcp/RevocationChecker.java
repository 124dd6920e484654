package io.gmtls.tlcp;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Revocation check of a verified peer chain, called during the handshake (and again when a
 * session is resumed). Throw {@link java.security.cert.CertificateRevokedException} for a revoked
 * certificate (alert certificate_revoked), any other {@link CertificateException} when the status
 * cannot be established and the connection must fail (alert certificate_unknown).
 * Implementations must be thread-safe and must not block for long: they run on the thread that
 * drives the engine (an event loop, for Netty).
 */
@FunctionalInterface
public interface RevocationChecker {

  /**
   * @param verifiedChain end-entity certificate first, then its CAs up to the trust anchor
   */
  void check(List<X509Certificate> verifiedChain) throws CertificateException;
}
