package io.gmtls.tlcp;

/**
 * What a {@link RevocationChecker} knows about a verified certificate chain — the one revocation
 * vocabulary of the TLCP engine and the gateway's TLS 1.3 termination.
 */
public enum RevocationStatus {
  /** No certificate of the chain is revoked. */
  GOOD,
  /** A certificate of the chain is revoked: the handshake fails with certificate_revoked. */
  REVOKED,
  /**
   * The status cannot be told (e.g. no current CRL for an issuer): the handshake fails with
   * certificate_unknown.
   */
  UNKNOWN
}
