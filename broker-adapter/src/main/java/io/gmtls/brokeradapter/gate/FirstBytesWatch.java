package io.gmtls.brokeradapter.gate;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in a client's pipeline: notes in the {@link ConnectionRecord} that the peer sent at least
 * one byte, then removes itself. A connection its peer closes before that is a probe (a TCP health
 * check), not a refusal.
 */
final class FirstBytesWatch extends ChannelInboundHandlerAdapter {

    static final String NAME = "first-bytes";

    private final ConnectionRecord record;

    FirstBytesWatch(ConnectionRecord record) {
        this.record = record;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            record.bytesReceived();
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
