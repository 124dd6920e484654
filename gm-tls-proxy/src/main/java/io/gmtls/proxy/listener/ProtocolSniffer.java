package io.gmtls.proxy.listener;

import java.util.List;

import io.gmtls.proxy.relay.ProtocolSniffed;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Tells TLCP from TLS by the first record header and replaces itself with the matching handler,
 * shaped like Netty's {@code OptionalSslHandler}: it waits for the 5-byte record header and reads the
 * version bytes itself — {@code 0x0101} is TLCP, major version 3 is TLS, anything else (or a first
 * record that is not a handshake) is closed. Netty's own helpers can't tell the two apart.
 *
 * <p>The bytes read so far stay in the cumulation and are handed to the new handler when this one is
 * removed. The handlers behind learn the protocol from a {@link ProtocolSniffed} user event.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    /** TLS/TLCP record header: type (1), version (2), length (2). */
    static final int RECORD_HEADER_LENGTH = 5;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;

    private final TlcpTermination tlcp;
    private final TlsTermination tls;
    private final Refusals refusals;

    /** Where refused first bytes are counted. */
    interface Refusals {
        void refused(String reason);
    }

    ProtocolSniffer(TlcpTermination tlcp, TlsTermination tls, Refusals refusals) {
        this.tlcp = tlcp;
        this.tls = tls;
        this.refusals = refusals;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < RECORD_HEADER_LENGTH) {
            return;
        }
        int index = in.readerIndex();
        int type = in.getUnsignedByte(index);
        int major = in.getUnsignedByte(index + 1);
        int minor = in.getUnsignedByte(index + 2);
        if (type != CONTENT_TYPE_HANDSHAKE) {
            refuse(ctx, in, "not_tls");
        } else if (major == 1 && minor == 1) {
            if (tlcp == null) {
                refuse(ctx, in, "tlcp_not_served");
            } else {
                startTlcp(ctx);
            }
        } else if (major == 3) {
            if (tls == null) {
                refuse(ctx, in, "tls_not_served");
            } else {
                replaceWith(ctx, "TLS", tls.newHandler());
            }
        } else {
            refuse(ctx, in, "not_tls");
        }
    }

    private void startTlcp(ChannelHandlerContext ctx) {
        SslHandler handler = tlcp.newHandler(ctx.alloc());
        boolean added = false;
        try {
            replaceWith(ctx, "TLCP", handler);
            added = true;
        } finally {
            if (!added) {
                ReferenceCountUtil.safeRelease(handler.engine());
            }
        }
    }

    private void replaceWith(ChannelHandlerContext ctx, String family, ChannelHandler handler) {
        // Told before the replace, so that the handlers behind know the family when the new handler's
        // first events (its handshake's end at the earliest) reach them.
        ctx.fireUserEventTriggered(new ProtocolSniffed(family));
        ctx.pipeline().replace(this, family.toLowerCase(java.util.Locale.ROOT), handler);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        in.skipBytes(in.readableBytes());
        refusals.refused(reason);
        ctx.close();
    }
}
