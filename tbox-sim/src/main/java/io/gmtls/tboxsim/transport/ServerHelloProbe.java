package io.gmtls.tboxsim.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * Sits in front of a TLS 1.3 client {@code SslHandler} and reads (a copy of) the server's first
 * handshake bytes to learn whether the server accepted a resumption PSK: a TLS 1.3 ServerHello carries
 * the {@code pre_shared_key} extension (41) exactly when it did (RFC 8446 §4.2.11). No engine we use
 * exposes that through {@code SSLSession}. Passes every byte through unchanged, looks at most at
 * {@link #MAX_BYTES}, and removes itself once it knows.
 * <pre>
 * TLSPlaintext { ContentType type(22); ProtocolVersion legacy; uint16 length; opaque fragment[length]; }
 * Handshake    { HandshakeType msg_type(2 = server_hello); uint24 length; ServerHello body; }
 * ServerHello  { ProtocolVersion legacy_version; Random random[32]; opaque legacy_session_id_echo&lt;0..32&gt;;
 *                CipherSuite cipher_suite; uint8 legacy_compression_method;
 *                Extension extensions&lt;6..2^16-1&gt;; }                                  -- RFC 8446 §4.1.3
 * </pre>
 * A HelloRetryRequest (a ServerHello with the special random) is skipped; the real ServerHello follows.
 */
final class ServerHelloProbe extends ChannelInboundHandlerAdapter {

    static final String NAME = "server-hello-probe";

    /** Enough for a HelloRetryRequest, a change_cipher_spec and the ServerHello. */
    static final int MAX_BYTES = 16 * 1024;

    private static final AttributeKey<Boolean> PSK_ACCEPTED = AttributeKey.valueOf(ServerHelloProbe.class, "psk");

    private static final int HANDSHAKE = 22;
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int SERVER_HELLO = 2;
    private static final int PRE_SHARED_KEY = 41;
    private static final byte[] HELLO_RETRY_RANDOM = hex(
            "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private ByteBuf seen;
    /** Bytes of handshake messages gathered from the records read so far. */
    private ByteBuf handshake;

    /** Whether the handshake on {@code channel} resumed (false when the probe could not tell). */
    static boolean resumed(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(PSK_ACCEPTED).get());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf in) {
            if (seen == null) {
                seen = ctx.alloc().buffer(Math.min(in.readableBytes(), MAX_BYTES));
            }
            int take = Math.min(in.readableBytes(), MAX_BYTES - seen.writerIndex());
            seen.writeBytes(in, in.readerIndex(), take);
            Verdict verdict = inspect();
            if (verdict == Verdict.NEED_MORE && seen.writerIndex() >= MAX_BYTES) {
                verdict = Verdict.UNKNOWN;
            }
            if (verdict != Verdict.NEED_MORE) {
                ctx.channel().attr(PSK_ACCEPTED).set(verdict == Verdict.RESUMED);
                ctx.pipeline().remove(this);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        if (seen != null) {
            seen.release();
            seen = null;
        }
        if (handshake != null) {
            handshake.release();
            handshake = null;
        }
    }

    private enum Verdict { NEED_MORE, RESUMED, FULL, UNKNOWN }

    /** Re-reads what has been seen from the start (it is small and bounded). */
    private Verdict inspect() {
        if (handshake == null) {
            handshake = seen.alloc().buffer();
        }
        handshake.clear();
        int offset = 0;
        while (seen.writerIndex() - offset >= 5) {
            int type = seen.getUnsignedByte(offset);
            int length = seen.getUnsignedShort(offset + 3);
            if (seen.writerIndex() - offset - 5 < length) {
                break;
            }
            if (type == HANDSHAKE) {
                handshake.writeBytes(seen, offset + 5, length);
            } else if (type != CHANGE_CIPHER_SPEC) {
                // An alert or encrypted data before any ServerHello: nothing to learn.
                return handshake.isReadable() ? parseMessages() : Verdict.UNKNOWN;
            }
            offset += 5 + length;
        }
        return parseMessages();
    }

    private Verdict parseMessages() {
        int at = 0;
        while (handshake.writerIndex() - at >= 4) {
            int type = handshake.getUnsignedByte(at);
            int length = handshake.getUnsignedMedium(at + 1);
            if (handshake.writerIndex() - at - 4 < length) {
                return Verdict.NEED_MORE;
            }
            if (type != SERVER_HELLO) {
                return Verdict.UNKNOWN;
            }
            Verdict verdict = serverHello(at + 4, length);
            if (verdict != null) {
                return verdict;
            }
            at += 4 + length; // a HelloRetryRequest: the real ServerHello comes later
        }
        return Verdict.NEED_MORE;
    }

    /** The verdict for a ServerHello body, or null for a HelloRetryRequest. */
    private Verdict serverHello(int start, int length) {
        int end = start + length;
        int at = start + 2;
        if (at + 32 + 1 > end) {
            return Verdict.UNKNOWN;
        }
        boolean retry = true;
        for (int i = 0; i < 32; i++) {
            retry &= handshake.getByte(at + i) == HELLO_RETRY_RANDOM[i];
        }
        if (retry) {
            return null;
        }
        at += 32;
        at += 1 + handshake.getUnsignedByte(at); // legacy_session_id_echo
        at += 2 + 1;                             // cipher_suite, legacy_compression_method
        if (at + 2 > end) {
            return Verdict.UNKNOWN;
        }
        int extensionsEnd = at + 2 + handshake.getUnsignedShort(at);
        at += 2;
        if (extensionsEnd > end) {
            return Verdict.UNKNOWN;
        }
        while (at + 4 <= extensionsEnd) {
            int extension = handshake.getUnsignedShort(at);
            int extensionLength = handshake.getUnsignedShort(at + 2);
            if (extension == PRE_SHARED_KEY) {
                return Verdict.RESUMED;
            }
            at += 4 + extensionLength;
        }
        return Verdict.FULL;
    }

    private static byte[] hex(String text) {
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
