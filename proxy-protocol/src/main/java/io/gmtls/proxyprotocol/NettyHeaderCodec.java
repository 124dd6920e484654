package io.gmtls.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;

/**
 * Runs Netty's {@link HAProxyMessageEncoder} and {@link HAProxyMessageDecoder} on one message.
 *
 * <p>Both are channel handlers and {@code HAProxyMessage.decodeHeader} is package-private, so the
 * way to use them as functions through public API is an {@link EmbeddedChannel}: it runs
 * synchronously on the caller's thread. Decoding takes a throw-away one; encoding, which a gateway
 * does for every connection, keeps one per thread.
 */
final class NettyHeaderCodec {

    private NettyHeaderCodec() {
    }

    /**
     * One encoding channel per thread, reused: a gateway writes a header per connection on its event
     * loops, and a new {@link EmbeddedChannel} (pipeline, event loop, channel id) per header cost more
     * than the encoding. The encoder is stateless ({@code @Sharable}); the bytes are the same.
     */
    private static final ThreadLocal<EmbeddedChannel> ENCODING =
            ThreadLocal.withInitial(() -> new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE));

    /** Encodes a freshly built message (consumed: the encoder releases it) into bytes. */
    static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel channel = ENCODING.get();
        boolean clean = false;
        try {
            channel.writeOutbound(message);
            ByteBuf out = channel.readOutbound();
            try {
                byte[] bytes = ByteBufUtil.getBytes(out);
                clean = channel.outboundMessages().isEmpty();
                return bytes;
            } finally {
                out.release();
            }
        } finally {
            if (!clean) {
                // A failed encoding may leave state behind: the next call on this thread starts afresh.
                ENCODING.remove();
                channel.finishAndReleaseAll();
            }
        }
    }

    /**
     * Decodes exactly one v2 header; the caller has checked its structure already. The caller must
     * release the returned message.
     *
     * @throws RuntimeException whatever Netty throws for a header it cannot read
     */
    static HAProxyMessage decode(ByteBuf header) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        try {
            channel.writeInbound(header.retainedDuplicate());
            HAProxyMessage message = channel.readInbound();
            if (message == null) {
                throw new IllegalStateException("Netty's decoder produced no message");
            }
            return message;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
