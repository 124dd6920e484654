package io.gmtls.crypto.tls;

import java.security.cert.CertificateException;

/**
 * A peer certificate chain failed verification; {@link #reason()} says which TLS alert that deserves.
 * The message names certificates by subject only.
 */
public final class CertificateRejectedException extends CertificateException {

    private static final long serialVersionUID = 1L;

    /** Why a chain was refused, with the TLS alert (RFC 8446 section 6.2) it maps to. */
    public enum Reason {
        /** Malformed, wrong key usage or type, bad signature, not yet valid. */
        BAD_CERTIFICATE(42, "bad_certificate"),
        /** Revoked, as told by the caller's {@link PathCheck} (the gateway's revocation check). */
        CERTIFICATE_REVOKED(44, "certificate_revoked"),
        /** Outside its validity period (a certificate of the chain has expired). */
        CERTIFICATE_EXPIRED(45, "certificate_expired"),
        /** Revocation status unknown or another unspecified problem. */
        CERTIFICATE_UNKNOWN(46, "certificate_unknown"),
        /** Doesn't chain to a configured trust anchor. */
        UNKNOWN_CA(48, "unknown_ca");

        private final short alert;
        private final String alertName;

        Reason(int alert, String alertName) {
            this.alert = (short) alert;
            this.alertName = alertName;
        }

        /** The TLS AlertDescription code. */
        public short alert() {
            return alert;
        }

        /** The alert's name as RFC 8446 spells it. */
        public String alertName() {
            return alertName;
        }
    }

    private final Reason reason;

    public CertificateRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CertificateRejectedException(Reason reason, String message, Throwable cause) {
        super(reason.alertName() + ": " + message, cause);
        this.reason = reason;
    }

    /** Why the chain was refused. */
    public Reason reason() {
        return reason;
    }
}
