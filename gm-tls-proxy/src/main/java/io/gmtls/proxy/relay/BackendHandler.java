package io.gmtls.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The upstream side of a relayed connection: hands every event to its {@link FrontendHandler}, which
 * owns the connection's state. Runs on the client channel's event loop, so no locking is needed.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final FrontendHandler frontend;

    BackendHandler(FrontendHandler frontend) {
        this.frontend = frontend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        frontend.fromUpstream(msg instanceof ByteBuf buf ? buf : null, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        frontend.upstreamReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        frontend.upstreamWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            frontend.upstreamInputClosed();
        }
        io.netty.util.ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frontend.upstreamClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        frontend.upstreamFailed(cause);
    }
}
