package io.gmtls.brokeradapter.gate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies everything read on one channel to its peer (client ↔ broker), last in the pipeline.
 * Both channels share one event loop, so no state here is shared across threads.
 * <ul>
 *   <li>Backpressure: when the peer's outbound buffer passes its high-water mark, reading this
 *       side stops until the peer drains ({@link #channelWritabilityChanged} on the peer resumes it).</li>
 *   <li>Half-close: end of input here becomes a shutdown of the peer's output, after what was
 *       written is flushed; a channel whose both directions are shut is closed.</li>
 *   <li>A close on one side flushes and closes the other.</li>
 * </ul>
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;

    RelayHandler(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive() || outputShut(peer)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                closeBoth(ctx.channel());
            }
        });
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This channel's outbound buffer is fed by the peer's reads: pace them to it.
        if (peer.isActive() && !inputShut(peer)) {
            peer.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            Channel self = ctx.channel();
            if (peer.isActive() && peer instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f ->
                        duplex.shutdownOutput().addListener((ChannelFutureListener) s -> closeIfBothShut(peer)));
            } else if (!peer.isActive()) {
                self.close();
            }
            closeIfBothShut(self);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken streams end a relay; nothing to report above debug.
        LOG.debug("relay {} -> {} closing on {}", ctx.channel().remoteAddress(), peer.remoteAddress(), cause.toString());
        closeBoth(ctx.channel());
    }

    private void closeBoth(Channel self) {
        self.close();
        peer.close();
    }

    private static void closeIfBothShut(Channel channel) {
        if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown() && duplex.isOutputShutdown()) {
            channel.close();
        }
    }

    private static boolean outputShut(Channel channel) {
        return channel instanceof DuplexChannel duplex && duplex.isOutputShutdown();
    }

    private static boolean inputShut(Channel channel) {
        return channel instanceof DuplexChannel duplex && duplex.isInputShutdown();
    }
}
