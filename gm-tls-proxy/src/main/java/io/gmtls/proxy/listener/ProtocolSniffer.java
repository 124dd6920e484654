package io.gmtls.proxy.listener;

import java.util.List;

import io.gmtls.proxy.relay.ProtocolSniffed;
import io.gmtls.tlcp.TlcpDetector;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Tells TLCP from TLS by the first record header and replaces itself with the matching handler,
 * shaped like Netty's {@code OptionalSslHandler}: it waits for the 5-byte record header and reads the
 * version bytes itself — {@code 0x0101} is TLCP, major version 3 is TLS, anything else (or a first
 * record that is not a handshake) is closed. Netty's own helpers can't tell the two apart.
 *
 * <p>The bytes read so far stay in the cumulation and are handed to the new handler when this one is
 * removed. The handlers behind learn the protocol from a {@link ProtocolSniffed} user event.
 *
 * <p>When the listener has a full-handshake budget ({@link AdmissionControl#fullHandshakeBudget()}),
 * it waits for the whole first record (at most 2^14 + 2048 bytes; a longer one announced goes to the
 * engine at once, which refuses it) and reads the ClientHello's resumption offer
 * ({@link ClientHelloOffer}): a TLCP session ID the server cache knows or a ticket under one of its
 * ticket keys, or a TLS 1.3 pre_shared_key, is let in; anything else takes one full handshake from the
 * budget, and is closed — before any engine exists, so before any cryptography — when it is spent.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    /** TLS/TLCP record header: type (1), version (2), length (2). */
    static final int RECORD_HEADER_LENGTH = 5;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;

    /** Reason of a connection closed because the full-handshake budget was spent. */
    static final String FULL_HANDSHAKE_BUDGET = "full_handshake_budget";

    /** Set (to TRUE) on a channel let in because its ClientHello offered a resumable session. */
    static final AttributeKey<Boolean> RESUMPTION_OFFERED = AttributeKey.valueOf(ProtocolSniffer.class,
            "resumptionOffered");

    private final TlcpTermination tlcp;
    private final TlsTermination tls;
    private final Refusals refusals;
    private final AdmissionControl admission;

    /** Where refused first bytes are counted. */
    interface Refusals {
        void refused(String reason);

        /** A handshake refused before it started ({@code family} TLCP or TLS); also {@link #refused}. */
        default void handshakeRefused(String family, String reason) {
            refused(reason);
        }
    }

    ProtocolSniffer(TlcpTermination tlcp, TlsTermination tls, Refusals refusals) {
        this(tlcp, tls, refusals, null);
    }

    /** @param admission the listener's limits, for the full-handshake budget; null for none */
    ProtocolSniffer(TlcpTermination tlcp, TlsTermination tls, Refusals refusals, AdmissionControl admission) {
        this.tlcp = tlcp;
        this.tls = tls;
        this.refusals = refusals;
        this.admission = admission;
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
            } else if (admitted(ctx, in, "TLCP")) {
                startTlcp(ctx);
            }
        } else if (major == 3) {
            if (tls == null) {
                refuse(ctx, in, "tls_not_served");
            } else if (admitted(ctx, in, "TLS")) {
                replaceWith(ctx, "TLS", tls.newHandler());
            }
        } else {
            refuse(ctx, in, "not_tls");
        }
    }

    /**
     * The full-handshake budget: true when the connection may go on (no budget, a resumption offer, or
     * a full handshake within the budget); false when it waits for more of its first record or was
     * refused and closed.
     */
    private boolean admitted(ChannelHandlerContext ctx, ByteBuf in, String family) {
        if (admission == null || !admission.fullHandshakeBudget()) {
            return true;
        }
        int index = in.readerIndex();
        int length = in.getUnsignedShort(index + 3);
        ClientHelloOffer offer = null;
        if (length <= TlcpDetector.MAX_RECORD_LENGTH) {
            if (in.readableBytes() < RECORD_HEADER_LENGTH + length) {
                return false; // decode() is called again with more bytes
            }
            offer = ClientHelloOffer.parse(in, index + RECORD_HEADER_LENGTH, length);
        }
        if (offer != null && resumable(offer, family)) {
            ctx.channel().attr(RESUMPTION_OFFERED).set(Boolean.TRUE);
            return true;
        }
        if (admission.tryFullHandshake()) {
            return true;
        }
        in.skipBytes(in.readableBytes());
        refusals.handshakeRefused(family, FULL_HANDSHAKE_BUDGET);
        ctx.close();
        return false;
    }

    private boolean resumable(ClientHelloOffer offer, String family) {
        if ("TLCP".equals(family)) {
            return tlcp.offersResumableSession(offer.sessionId(), offer.ticket());
        }
        // A TLS 1.3 PSK is opaque to the gateway before the engine reads it: its offer is taken as a
        // resumption (a bad one falls back to a full handshake, bounded by max-handshakes).
        return offer.pskOffered();
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
