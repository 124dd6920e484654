package io.gmtls.proxyprotocol;

/** Why a receiver refused a connection's PPv2 header; the message of {@link DecodeResult.Rejected} has the detail. */
public enum RejectReason {
    /** The peer is not one of the configured gateway addresses. */
    PEER_NOT_ALLOWED,
    /** The bytes do not start with the PPv2 signature. */
    NOT_PPV2,
    /** A PROXY protocol v1 (text) header: only v2 is accepted. */
    PPV1_TEXT,
    /** Version nibble other than 2. */
    UNSUPPORTED_VERSION,
    /** Command other than LOCAL or PROXY. */
    UNSUPPORTED_COMMAND,
    /** The LOCAL command: a connection of the gateway itself, it carries no client facts. */
    LOCAL_COMMAND,
    /** Address family or transport other than TCP over IPv4 or IPv6. */
    UNSUPPORTED_ADDRESS_FAMILY,
    /** Fewer bytes than the header says it has (or the connection closed before it was complete). */
    TRUNCATED,
    /** The header is longer than the configured maximum. */
    TOO_LARGE,
    /** The length field is too short for the address block. */
    MALFORMED_LENGTH,
    /** A TLV runs past the end of the header or of {@code PP2_TYPE_SSL}, or sits where it may not. */
    MALFORMED_TLV,
    /** A TLV type this module reads appears twice. */
    DUPLICATE_TLV,
    /** The CRC32C TLV does not match the header. */
    CRC32C_MISMATCH,
    /** The receiver requires a CRC32C TLV and the header has none. */
    CRC32C_MISSING,
    /** A TLV value breaks the schema (bad UTF-8, control characters, not lowercase hex, too long...). */
    INVALID_VALUE,
    /** No complete header arrived within the configured time. */
    TIMEOUT
}
