package io.gmtls.proxyprotocol;

import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * Decodes one PPv2 header into {@link ConnectionFacts}, as a plain function: every outcome is a
 * {@link DecodeResult}, never an exception.
 *
 * <p>Checks, in order: signature, version, size cap ({@link HeaderFrame}); command, address family,
 * TLV bounds, nesting, placement and duplicates ({@link HeaderStructure}); CRC32C when present (or
 * required); then Netty's {@code HAProxyMessageDecoder} reads addresses and TLVs and
 * {@link FactsMapper} checks every value against the schema.
 *
 * <p>Thread-safe and stateless; the Netty pipeline variant is {@link ProxyHeaderHandler}.
 */
public final class ProxyHeaderDecoder {

    private final ReceiverSettings settings;

    /** Makes a decoder with the given settings (its header timeout is used by the handler only). */
    public ProxyHeaderDecoder(ReceiverSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings this decoder checks against. */
    public ReceiverSettings settings() {
        return settings;
    }

    /**
     * Decodes the header at the start of {@code bytes}; bytes after it (the payload) are ignored and
     * start at {@link DecodeResult.Decoded#headerLength()}.
     */
    public DecodeResult decode(byte[] bytes) {
        if (bytes == null) {
            return new DecodeResult.Rejected(RejectReason.TRUNCATED, "no bytes");
        }
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Decodes the header at the reader index of {@code in}, without moving its indices; the payload
     * starts {@link DecodeResult.Decoded#headerLength()} bytes after the reader index.
     */
    public DecodeResult decode(ByteBuf in) {
        if (in == null) {
            return new DecodeResult.Rejected(RejectReason.TRUNCATED, "no bytes");
        }
        try {
            int length = HeaderFrame.inspect(in, settings.maxHeaderBytes());
            if (length == HeaderFrame.NEED_MORE) {
                return new DecodeResult.Rejected(RejectReason.TRUNCATED, truncatedMessage(in));
            }
            return decodeFramed(in.slice(in.readerIndex(), length));
        } catch (HeaderRejection e) {
            return e.rejected();
        } catch (RuntimeException e) {
            // Fail closed on anything the checks above did not foresee; no stack trace leaves here.
            return new DecodeResult.Rejected(RejectReason.MALFORMED_TLV,
                    "header could not be decoded (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Decodes a header already framed by {@link HeaderFrame#inspect}: {@code header} holds exactly it. */
    DecodeResult decodeFramed(ByteBuf header) {
        try {
            int length = header.readableBytes();
            HeaderStructure.Layout layout = HeaderStructure.check(header, length);
            boolean crcVerified = false;
            if (layout.crcValueOffset() >= 0) {
                verifyCrc(header, layout.crcValueOffset());
                crcVerified = true;
            } else if (settings.requireCrc32c()) {
                return new DecodeResult.Rejected(RejectReason.CRC32C_MISSING,
                        "header has no CRC32C TLV and this receiver requires one");
            }
            HAProxyMessage message;
            try {
                message = NettyHeaderCodec.decode(header);
            } catch (RuntimeException e) {
                return new DecodeResult.Rejected(RejectReason.MALFORMED_TLV,
                        "Netty's PPv2 decoder refused the header: " + e.getMessage());
            }
            try {
                return new DecodeResult.Decoded(FactsMapper.map(message), length, crcVerified);
            } finally {
                message.release();
            }
        } catch (HeaderRejection e) {
            return e.rejected();
        } catch (RuntimeException e) {
            return new DecodeResult.Rejected(RejectReason.MALFORMED_TLV,
                    "header could not be decoded (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void verifyCrc(ByteBuf header, int crcValueOffset) throws HeaderRejection {
        byte[] copy = ByteBufUtil.getBytes(header, header.readerIndex(), header.readableBytes());
        int received = ((copy[crcValueOffset] & 0xFF) << 24) | ((copy[crcValueOffset + 1] & 0xFF) << 16)
                | ((copy[crcValueOffset + 2] & 0xFF) << 8) | (copy[crcValueOffset + 3] & 0xFF);
        for (int i = 0; i < PpV2Wire.CRC32C_LENGTH; i++) {
            copy[crcValueOffset + i] = 0;
        }
        int computed = PpV2Wire.crc32c(copy);
        if (received != computed) {
            throw new HeaderRejection(RejectReason.CRC32C_MISMATCH, String.format(
                    "CRC32C TLV says 0x%08x, header computes to 0x%08x", received, computed));
        }
    }

    private static String truncatedMessage(ByteBuf in) {
        int available = in.readableBytes();
        if (available < PpV2Wire.FIXED_LENGTH) {
            return "only " + available + " byte(s); a PPv2 header has at least 16";
        }
        int total = PpV2Wire.FIXED_LENGTH + in.getUnsignedShort(in.readerIndex() + PpV2Wire.LENGTH_OFFSET);
        return "header declares " + total + " bytes, only " + available + " present";
    }
}
