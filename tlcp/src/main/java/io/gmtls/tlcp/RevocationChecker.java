package io.gmtls.tlcp;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Revocation check of a verified peer chain, called during the handshake (and again when a
 * session is resumed). {@link RevocationStatus#REVOKED} fails the handshake with the alert
 * certificate_revoked, {@link RevocationStatus#UNKNOWN} with certificate_unknown; so do a
 * {@code null} answer and a thrown exception (fail closed).
 * Implementations must be thread-safe and must not block for long: they run on the thread that
 * drives the engine (an event loop, for Netty). {@link CrlRevocationChecker} answers from a set of
 * CRLs.
 */
@FunctionalInterface
public interface RevocationChecker {

  /** Checks nothing: every verified chain is {@link RevocationStatus#GOOD}. */
  RevocationChecker NONE = chain -> RevocationStatus.GOOD;

  /**
   * @param verifiedChain end-entity certificate first, then its CAs up to the trust anchor
   * @return the chain's status
   */
  RevocationStatus check(List<X509Certificate> verifiedChain);
}
