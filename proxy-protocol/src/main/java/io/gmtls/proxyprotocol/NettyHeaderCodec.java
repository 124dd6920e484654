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
 * way to use them as functions through public API is a throw-away {@link EmbeddedChannel}: it runs
 * synchronously on the caller's thread and costs a few object allocations per header.
 */
final class NettyHeaderCodec {

    private NettyHeaderCodec() {
    }

    /** Encodes a freshly built message (consumed: the encoder releases it) into bytes. */
    static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        try {
            channel.writeOutbound(message);
            ByteBuf out = channel.readOutbound();
            try {
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            channel.finishAndReleaseAll();
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
