package io.gmtls.pki.core;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * One entry of the revocation feed (issue 13): a certificate was revoked, or released from hold.
 * Appended by {@link CertificateStore#revoke} and {@link CertificateStore#release} in the transaction
 * that changes the certificate's state; {@code seq} orders the events in commit order.
 *
 * @param seq      position in the feed, increasing in commit order (gaps are possible)
 * @param kind     revoked or unrevoked
 * @param serial   serial number, lowercase hex without leading zeros
 * @param issuer   issuer DN as {@link X500Principal#getName()} writes it (RFC 2253)
 * @param reason   the revocation reason; null for an un-revocation
 * @param time     when the state changed
 * @param notAfter the certificate's notAfter (an event of an expired certificate may be pruned)
 */
public record RevocationEvent(long seq, Kind kind, String serial, String issuer, RevocationReason reason,
        Instant time, Instant notAfter) {

    /** What happened to the certificate. */
    public enum Kind {
        /** Revoked (any reason, including certificateHold). */
        REVOKED("revoked"),
        /** Released from certificateHold: valid again. */
        UNREVOKED("unrevoked");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** The SSE event name and the stored value. */
        public String wire() {
            return wire;
        }

        /** From the stored value. */
        public static Kind ofWire(String wire) {
            return switch (wire) {
                case "revoked" -> REVOKED;
                case "unrevoked" -> UNREVOKED;
                default -> throw new IllegalArgumentException("unknown revocation event kind " + wire);
            };
        }
    }

    public RevocationEvent {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(serial);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(time);
        Objects.requireNonNull(notAfter);
        if ((kind == Kind.REVOKED) != (reason != null)) {
            throw new IllegalArgumentException("a revocation has a reason, an un-revocation none");
        }
    }

    /** The issuer DN of a DER certificate in the feed's form (RFC 2253, as the JDK writes it). */
    public static String issuerOf(byte[] der) {
        try {
            return new X500Principal(Certificate.getInstance(der).getIssuer().getEncoded()).getName();
        } catch (IOException | IllegalArgumentException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "a stored certificate is not DER", e);
        }
    }

    /** A currently revoked certificate, as listed in a resync snapshot. */
    public record Revoked(String serial, String issuer, RevocationReason reason, Instant time, Instant notAfter) {
    }

    /**
     * Every certificate revoked and unexpired as of event {@code head}, read in one snapshot with it:
     * a receiver replaces what it learnt from the feed with this set, then applies events after head.
     */
    public record Snapshot(long head, java.util.List<Revoked> revoked) {
        public Snapshot {
            revoked = java.util.List.copyOf(revoked);
        }
    }

    /**
     * The retained range: {@code oldest} is the smallest retained seq ({@code head + 1} when none is),
     * {@code head} the newest (0 when the log never had an event).
     */
    public record Bounds(long oldest, long head) {
    }
}
