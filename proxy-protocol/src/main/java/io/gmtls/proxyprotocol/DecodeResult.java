package io.gmtls.proxyprotocol;

import java.util.Objects;

/**
 * Result of decoding a PPv2 header: the facts, or a rejection with a reason. The Netty handler also
 * fires these as user events.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /**
     * A header that passed every check.
     *
     * @param facts           the connection facts
     * @param headerLength    header length in bytes; the payload starts right after it
     * @param crc32cVerified  {@code true} when the header had a CRC32C TLV (it matched, or this would be a rejection)
     */
    record Decoded(ConnectionFacts facts, int headerLength, boolean crc32cVerified) implements DecodeResult {
        /** Checks the fields. */
        public Decoded {
            Objects.requireNonNull(facts, "facts");
        }
    }

    /**
     * A refused header.
     *
     * @param reason  the kind of problem
     * @param message what exactly was wrong, with offsets and lengths; never the rejected bytes themselves
     */
    record Rejected(RejectReason reason, String message) implements DecodeResult {
        /** Checks the fields. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return "PPv2 header rejected (" + reason + "): " + message;
        }
    }
}
