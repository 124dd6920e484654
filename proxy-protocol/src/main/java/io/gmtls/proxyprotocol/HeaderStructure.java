package io.gmtls.proxyprotocol;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.netty.buffer.ByteBuf;

/**
 * Strict walk over one framed PPv2 header before Netty's decoder sees it. Netty's
 * {@code readNextTLV} trusts TLV lengths (a length past the end throws
 * {@code IndexOutOfBoundsException}), silently drops 1..3 trailing bytes, recurses into nested
 * {@code PP2_TYPE_SSL} and keeps duplicates; this walk refuses all of that with a reason naming the
 * offset, and finds the CRC32C field.
 *
 * <p>Accepted layout: the PROXY command over TCP/IPv4 or TCP/IPv6; top-level TLVs; in
 * {@code PP2_TYPE_SSL} 5 fixed bytes then sub-TLVs that exactly fill it. Known types may appear once,
 * each in its {@link TlvType.Scope}; unknown types are skipped.
 */
final class HeaderStructure {

    /**
     * Offsets (from the header start) the decoder needs.
     *
     * @param addressBlock   12 for IPv4, 36 for IPv6
     * @param crcValueOffset offset of the 4 CRC32C value bytes, or -1 when the header has no CRC32C TLV
     */
    record Layout(int addressBlock, int crcValueOffset) {
    }

    private final ByteBuf header;
    private final int start;
    private final int end;

    private HeaderStructure(ByteBuf header, int length) {
        this.header = header;
        this.start = header.readerIndex();
        this.end = start + length;
    }

    /**
     * Checks the header of {@code length} bytes at the reader index (signature, version and length
     * were checked by {@link HeaderFrame}).
     */
    static Layout check(ByteBuf header, int length) throws HeaderRejection {
        return new HeaderStructure(header, length).walk();
    }

    private Layout walk() throws HeaderRejection {
        int command = u8(PpV2Wire.VERSION_COMMAND_OFFSET) & 0x0F;
        if (command == PpV2Wire.COMMAND_LOCAL) {
            throw new HeaderRejection(RejectReason.LOCAL_COMMAND,
                    "LOCAL command: the connection carries no client facts");
        }
        if (command != PpV2Wire.COMMAND_PROXY) {
            throw new HeaderRejection(RejectReason.UNSUPPORTED_COMMAND, "command 0x" + Integer.toHexString(command)
                    + " is neither LOCAL nor PROXY");
        }
        int family = u8(PpV2Wire.FAMILY_OFFSET);
        int addressBlock = switch (family) {
            case PpV2Wire.TCP_OVER_IPV4 -> PpV2Wire.IPV4_ADDRESS_BLOCK;
            case PpV2Wire.TCP_OVER_IPV6 -> PpV2Wire.IPV6_ADDRESS_BLOCK;
            default -> throw new HeaderRejection(RejectReason.UNSUPPORTED_ADDRESS_FAMILY,
                    String.format("address family/transport byte 0x%02X: only TCP over IPv4 (0x11) or IPv6 (0x21)", family));
        };
        int declared = end - start - PpV2Wire.FIXED_LENGTH;
        if (declared < addressBlock) {
            throw new HeaderRejection(RejectReason.MALFORMED_LENGTH, "length field " + declared
                    + " is shorter than the " + addressBlock + "-byte address block");
        }

        int crcValueOffset = -1;
        Set<TlvType> seen = EnumSet.noneOf(TlvType.class);
        int pos = start + PpV2Wire.FIXED_LENGTH + addressBlock;
        while (pos < end) {
            int valueLength = tlvLength(pos, end, "header");
            int code = u8(pos - start);
            Optional<TlvType> known = TlvType.forCode(code);
            if (known.isPresent()) {
                TlvType type = known.get();
                if (type.scope() != TlvType.Scope.TOP_LEVEL) {
                    throw new HeaderRejection(RejectReason.MALFORMED_TLV, "SSL sub-TLV " + type.label()
                            + " at offset " + (pos - start) + " outside PP2_TYPE_SSL");
                }
                if (!seen.add(type)) {
                    throw new HeaderRejection(RejectReason.DUPLICATE_TLV, "second " + type.label()
                            + " at offset " + (pos - start));
                }
                if (valueLength > type.maxLength()) {
                    throw new HeaderRejection(RejectReason.MALFORMED_TLV, type.label() + " at offset " + (pos - start)
                            + " has " + valueLength + " bytes, at most " + type.maxLength() + " allowed");
                }
                if (type == TlvType.CRC32C) {
                    if (valueLength != PpV2Wire.CRC32C_LENGTH) {
                        throw new HeaderRejection(RejectReason.MALFORMED_TLV, type.label() + " has "
                                + valueLength + " bytes, expected 4");
                    }
                    crcValueOffset = pos - start + PpV2Wire.TLV_HEADER;
                } else if (type == TlvType.SSL) {
                    checkSsl(pos + PpV2Wire.TLV_HEADER, valueLength);
                }
            }
            pos += PpV2Wire.TLV_HEADER + valueLength;
        }
        return new Layout(addressBlock, crcValueOffset);
    }

    private void checkSsl(int valueStart, int valueLength) throws HeaderRejection {
        if (valueLength < PpV2Wire.SSL_FIXED) {
            throw new HeaderRejection(RejectReason.MALFORMED_TLV, "PP2_TYPE_SSL at offset "
                    + (valueStart - PpV2Wire.TLV_HEADER - start) + " has " + valueLength
                    + " bytes, needs at least 5 (client flags, verify)");
        }
        int sslEnd = valueStart + valueLength;
        Set<TlvType> seen = EnumSet.noneOf(TlvType.class);
        int pos = valueStart + PpV2Wire.SSL_FIXED;
        while (pos < sslEnd) {
            int subLength = tlvLength(pos, sslEnd, "PP2_TYPE_SSL");
            int code = u8(pos - start);
            Optional<TlvType> known = TlvType.forCode(code);
            if (known.isPresent()) {
                TlvType type = known.get();
                if (type.scope() != TlvType.Scope.IN_SSL) {
                    throw new HeaderRejection(RejectReason.MALFORMED_TLV, "top-level TLV " + type.label()
                            + " nested inside PP2_TYPE_SSL at offset " + (pos - start));
                }
                if (!seen.add(type)) {
                    throw new HeaderRejection(RejectReason.DUPLICATE_TLV, "second " + type.label()
                            + " at offset " + (pos - start));
                }
                if (subLength > type.maxLength()) {
                    throw new HeaderRejection(RejectReason.MALFORMED_TLV, type.label() + " at offset " + (pos - start)
                            + " has " + subLength + " bytes, at most " + type.maxLength() + " allowed");
                }
            }
            pos += PpV2Wire.TLV_HEADER + subLength;
        }
    }

    /** Reads the length of the TLV at {@code pos} after checking it lies within {@code [pos, limit)}. */
    private int tlvLength(int pos, int limit, String container) throws HeaderRejection {
        int remaining = limit - pos;
        if (remaining < PpV2Wire.TLV_HEADER) {
            throw new HeaderRejection(RejectReason.MALFORMED_TLV, remaining + " trailing byte(s) at offset "
                    + (pos - start) + " of " + container + " are too short for a TLV");
        }
        int length = header.getUnsignedShort(pos + 1);
        if (length > remaining - PpV2Wire.TLV_HEADER) {
            throw new HeaderRejection(RejectReason.MALFORMED_TLV, "TLV " + TlvType.label(u8(pos - start))
                    + " at offset " + (pos - start) + " declares " + length + " bytes but only "
                    + (remaining - PpV2Wire.TLV_HEADER) + " remain in " + container);
        }
        return length;
    }

    private int u8(int offset) {
        return header.getUnsignedByte(start + offset);
    }
}
