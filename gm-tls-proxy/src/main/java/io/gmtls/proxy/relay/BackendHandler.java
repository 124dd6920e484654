package io.gmtls.proxy.relay;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream side of a relayed connection: on {@code channelActive} writes the PPv2 header (before any
 * client byte) and hands the channel to the {@link RelayHandler}; then copies upstream bytes to the client,
 * and stops reading while the client's channel is not writable. Half-close, close and failure go to the
 * {@link RelayHandler}, which coordinates both sides. Runs on the client channel's event loop.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHandler.class);

    private final RelayHandler relay;
    private final ConnectionState state;
    private final RelayContext rc;
    private final Upstream server;
    /**
     * Builds the PPv2 header; null when the group sends none. Dropped once written: it holds the client's
     * certificate.
     */
    private Supplier<ByteBuf> header;

    /**
     * @param header builds the PPv2 header (may throw), or null for none
     */
    BackendHandler(RelayHandler relay, ConnectionState state, RelayContext rc, Upstream server,
            Supplier<ByteBuf> header) {
        this.relay = relay;
        this.state = state;
        this.rc = rc;
        this.server = server;
        this.header = header;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel back = ctx.channel();
        if (!relay.upstreamConnected(back, server)) {
            back.close();
            return;
        }
        Supplier<ByteBuf> builder = header;
        header = null;
        if (builder != null) {
            ByteBuf bytes;
            try {
                bytes = builder.get();
            } catch (RuntimeException e) {
                LOG.warn("connection {}: cannot build the PPv2 header: {}", state.id(), e.getMessage());
                state.closeWith("proxy_header_error");
                return;
            }
            back.write(bytes, back.voidPromise());
        }
        relay.startRelaying();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int n = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        state.addBytesDown(n);
        rc.meters().bytesOut(n);
        Channel front = state.front();
        front.write(msg, front.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel front = state.front();
        front.flush();
        if (!front.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        relay.upstreamWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            relay.upstreamInputClosed();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relay.upstreamClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        relay.upstreamFailed(cause);
    }
}
