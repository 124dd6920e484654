package io.gmtls.brokeradapter.gate;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * On the broker side of an ACL-enforced connection, between the packet framer and the relay:
 * tells the client's {@link AclEnforcementHandler} once the broker's CONNACK has been relayed, then
 * removes itself. Until then the gate must not answer the client itself: a SUBACK for a pipelined
 * SUBSCRIBE would otherwise reach the client before its CONNACK.
 */
final class BrokerConnAckWatch extends ChannelInboundHandlerAdapter {

    static final String NAME = "connack-watch";
    private static final int CONNACK = 2;

    private final AclEnforcementHandler acl;

    BrokerConnAckWatch(AclEnforcementHandler acl) {
        this.acl = acl;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean connAck = msg instanceof ByteBuf frame && frame.isReadable()
                && (frame.getUnsignedByte(frame.readerIndex()) >> 4) == CONNACK;
        ctx.fireChannelRead(msg);
        if (connAck) {
            ctx.pipeline().remove(this);
            acl.brokerConnAckRelayed();
        }
    }
}
