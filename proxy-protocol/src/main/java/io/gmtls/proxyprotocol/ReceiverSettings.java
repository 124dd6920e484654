package io.gmtls.proxyprotocol;

import java.time.Duration;
import java.util.Objects;

/**
 * How a receiver (broker side) treats PPv2 headers. Immutable; validated on construction.
 *
 * @param maxHeaderBytes largest whole header accepted (fixed part included); larger ones are refused
 *                       as soon as the length field is read
 * @param requireCrc32c  refuse headers without a CRC32C TLV (a present CRC32C is always verified)
 * @param headerTimeout  how long the Netty handler waits for a complete header after the connection opens
 */
public record ReceiverSettings(int maxHeaderBytes, boolean requireCrc32c, Duration headerTimeout) {

    /** Smallest sensible maximum: the 16 fixed bytes and an IPv4 address block. */
    public static final int MIN_MAX_HEADER_BYTES = 16 + 12;
    /** Default header timeout. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    /** Checks the ranges. */
    public ReceiverSettings {
        if (maxHeaderBytes < MIN_MAX_HEADER_BYTES || maxHeaderBytes > HeaderOptions.MAX_MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes must be " + MIN_MAX_HEADER_BYTES + ".."
                    + HeaderOptions.MAX_MAX_HEADER_BYTES + ", was " + maxHeaderBytes);
        }
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.isNegative() || headerTimeout.isZero() || headerTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("headerTimeout must be over 0 and at most 5 minutes, was " + headerTimeout);
        }
    }

    /** 500-byte maximum (what our gateway sends at most), CRC32C verified when present, 10 s timeout. */
    public static ReceiverSettings defaults() {
        return new ReceiverSettings(HeaderOptions.DEFAULT_MAX_HEADER_BYTES, false, DEFAULT_HEADER_TIMEOUT);
    }

    /** Returns a copy with another maximum header size. */
    public ReceiverSettings withMaxHeaderBytes(int max) {
        return new ReceiverSettings(max, requireCrc32c, headerTimeout);
    }

    /** Returns a copy that does or does not require CRC32C. */
    public ReceiverSettings withRequireCrc32c(boolean require) {
        return new ReceiverSettings(maxHeaderBytes, require, headerTimeout);
    }

    /** Returns a copy with another header timeout. */
    public ReceiverSettings withHeaderTimeout(Duration timeout) {
        return new ReceiverSettings(maxHeaderBytes, requireCrc32c, timeout);
    }
}
