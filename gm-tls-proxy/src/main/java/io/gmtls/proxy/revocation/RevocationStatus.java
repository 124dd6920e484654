package io.gmtls.proxy.revocation;

/** What the gateway's CRLs say about a certificate chain. */
public enum RevocationStatus {
    /** No certificate of the chain is listed (or no CRL is configured for its issuers). */
    GOOD,
    /** A certificate of the chain is listed in its issuer's CRL. */
    REVOKED,
    /** A CRL is configured for an issuer of the chain but none could be loaded yet: fail closed. */
    UNKNOWN
}
