package io.gmtls.crypto.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Revocation status of a client certificate chain, asked after the chain has been verified. The gateway
 * plugs its CRL store in here; it must answer from memory (it runs on the event loop during the handshake).
 */
@FunctionalInterface
public interface RevocationChecker {

    /** Checks nothing: every verified chain is {@link Status#GOOD}. */
    RevocationChecker NONE = chain -> Status.GOOD;

    /** What the checker knows about a chain. */
    enum Status {
        /** No certificate of the chain is revoked. */
        GOOD,
        /** A certificate of the chain is revoked: the handshake fails with certificate_revoked. */
        REVOKED,
        /** Status can't be told (e.g. no current CRL): the handshake fails with certificate_unknown. */
        UNKNOWN
    }

    /**
     * @param chain the verified path: end-entity certificate first, ending with the trust anchor
     * @return the status; a thrown exception counts as {@link Status#UNKNOWN}
     */
    Status check(List<X509Certificate> chain);
}
