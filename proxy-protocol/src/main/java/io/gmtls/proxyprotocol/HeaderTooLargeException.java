package io.gmtls.proxyprotocol;

/**
 * Thrown by the encoder when even the TLVs that are never left out (addresses, {@code PP2_TYPE_SSL}
 * with verify result, CN, and CRC32C if configured) exceed the header size cap. The gateway must
 * then refuse the connection rather than forward it without those facts.
 */
public final class HeaderTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int requiredBytes;
    private final int maxHeaderBytes;

    HeaderTooLargeException(int requiredBytes, int maxHeaderBytes) {
        super("PPv2 header needs " + requiredBytes + " bytes for its mandatory fields, cap is " + maxHeaderBytes);
        this.requiredBytes = requiredBytes;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** Bytes the mandatory part of the header needs. */
    public int requiredBytes() {
        return requiredBytes;
    }

    /** The configured cap. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }
}
