package io.gmtls.proxyprotocol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;

/**
 * Runs Netty's {@link HAProxyMessageEncoder} and {@link HAProxyMessageDecoder} on one message.
 *
 * <p>Both are channel handlers and {@code HAProxyMessage.decodeHeader} is package-private. Decoding,
 * rare (a test or a receiving upstream), runs the decoder in a throw-away {@link EmbeddedChannel}.
 * Encoding, which a gateway does for every connection, calls the encoder's {@code encode} directly:
 * the encoder is final and its {@code encode} protected, and it uses neither the context nor any
 * state, so a private lookup (open to us: Netty is on the class path) finds it. Through an
 * {@code EmbeddedChannel} kept per thread the same bytes cost a write, a flush, promise and pipeline
 * traversal and a copy: 7 % of a resumed TLCP handshake's event-loop samples.
 */
final class NettyHeaderCodec {

    private NettyHeaderCodec() {
    }

    private static final MethodHandle ENCODE;

    static {
        try {
            ENCODE = MethodHandles.privateLookupIn(HAProxyMessageEncoder.class, MethodHandles.lookup())
                    .findVirtual(HAProxyMessageEncoder.class, "encode", MethodType.methodType(void.class,
                            ChannelHandlerContext.class, HAProxyMessage.class, ByteBuf.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Encodes a freshly built message (consumed: released here, as the encoder would in a pipeline)
     * into bytes, expecting {@code size} of them.
     *
     * @throws IllegalStateException if Netty's encoding would not fit in {@code size} bytes
     * @throws RuntimeException whatever Netty throws for a message it cannot encode
     */
    static byte[] encode(HAProxyMessage message, int size) {
        byte[] bytes = new byte[size];
        ByteBuf out = Unpooled.wrappedBuffer(bytes).clear();
        try {
            ENCODE.invokeExact(HAProxyMessageEncoder.INSTANCE, (ChannelHandlerContext) null, message, out);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalStateException("encoded PPv2 header exceeds the planned " + size + " bytes", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Netty's PPv2 encoder failed", e);
        } finally {
            message.release();
        }
        return out.writerIndex() == size ? bytes : Arrays.copyOf(bytes, out.writerIndex());
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
