package io.gmtls.proxyprotocol;

import java.util.Arrays;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One encoded PPv2 header and the optional TLVs that were left out to respect the size cap.
 * Immutable.
 */
public final class EncodedHeader {

    private final byte[] bytes;
    private final Set<OptionalTlv> leftOut;

    EncodedHeader(byte[] bytes, Set<OptionalTlv> leftOut) {
        this.bytes = bytes;
        this.leftOut = Set.copyOf(leftOut);
    }

    /** Returns a copy of the header bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Header length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** Returns a new buffer holding the header, ready to be written to the upstream channel. */
    public ByteBuf toByteBuf() {
        return Unpooled.wrappedBuffer(bytes.clone());
    }

    /**
     * The optional TLVs the configuration asked for and the facts had, but that did not fit under
     * the cap (worth a log line or a metric at the gateway). Empty in the usual case.
     */
    public Set<OptionalTlv> leftOut() {
        return leftOut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedHeader other && Arrays.equals(bytes, other.bytes) && leftOut.equals(other.leftOut);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + leftOut.hashCode();
    }

    @Override
    public String toString() {
        return "EncodedHeader[" + bytes.length + " bytes" + (leftOut.isEmpty() ? "" : ", left out " + leftOut) + "]";
    }
}
