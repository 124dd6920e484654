package io.gmtls.proxyprotocol;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a PPv2 header ends in the bytes received so far, refusing anything that cannot become
 * a valid header as early as possible: a wrong signature byte, a v1 text header, a version other
 * than 2, or a length field above the maximum (before waiting for those bytes). Reads without moving
 * the buffer's indices.
 */
final class HeaderFrame {

    /** Returned by {@link #inspect} while more bytes are needed. */
    static final int NEED_MORE = -1;

    private HeaderFrame() {
    }

    /**
     * Returns the whole header length once it is all in {@code in}, or {@link #NEED_MORE}.
     *
     * @throws HeaderRejection when the bytes cannot be (the start of) an acceptable PPv2 header
     */
    static int inspect(ByteBuf in, int maxHeaderBytes) throws HeaderRejection {
        int available = in.readableBytes();
        int start = in.readerIndex();
        int signatureBytes = Math.min(available, PpV2Wire.SIGNATURE.length);
        for (int i = 0; i < signatureBytes; i++) {
            if (in.getByte(start + i) != PpV2Wire.SIGNATURE[i]) {
                return notPpV2(in, start, available);
            }
        }
        if (available < PpV2Wire.FIXED_LENGTH) {
            return NEED_MORE;
        }
        int versionCommand = in.getUnsignedByte(start + PpV2Wire.VERSION_COMMAND_OFFSET);
        if ((versionCommand & 0xF0) != PpV2Wire.VERSION_2) {
            throw new HeaderRejection(RejectReason.UNSUPPORTED_VERSION,
                    "PPv2 version nibble is " + (versionCommand >>> 4) + ", expected 2");
        }
        int total = PpV2Wire.FIXED_LENGTH + in.getUnsignedShort(start + PpV2Wire.LENGTH_OFFSET);
        if (total > maxHeaderBytes) {
            throw new HeaderRejection(RejectReason.TOO_LARGE,
                    "header length " + total + " bytes exceeds the maximum of " + maxHeaderBytes);
        }
        return available >= total ? total : NEED_MORE;
    }

    /** Tells a v1 text header from other data; waits while the bytes still spell a prefix of "PROXY". */
    private static int notPpV2(ByteBuf in, int start, int available) throws HeaderRejection {
        int prefixBytes = Math.min(available, PpV2Wire.V1_PREFIX.length);
        for (int i = 0; i < prefixBytes; i++) {
            if (in.getByte(start + i) != PpV2Wire.V1_PREFIX[i]) {
                throw new HeaderRejection(RejectReason.NOT_PPV2,
                        "bytes do not start with the PPv2 signature (first mismatch within the first "
                                + Math.min(available, PpV2Wire.SIGNATURE.length) + " bytes)");
            }
        }
        if (prefixBytes < PpV2Wire.V1_PREFIX.length) {
            return NEED_MORE;
        }
        throw new HeaderRejection(RejectReason.PPV1_TEXT,
                "PROXY protocol v1 (text) header: only v2 (binary) headers are accepted");
    }
}
