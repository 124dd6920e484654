package io.gmtls.brokeradapter.gate;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits in front of the CONNECT decoder. Passes bytes through until the gate has its CONNECT, then
 * keeps whatever the client sends next (bounded) while the CA decides, and hands it on, in order,
 * when it is removed. Without it the decoder would go on decoding packets the gate has not yet
 * decided to forward. An end of input (half-close) in that time is held too, and passed on after
 * the bytes, so that the decoder does not flush pipelined packets into the undecided gate.
 */
final class InputHold extends ChannelInboundHandlerAdapter {

    private final int maxHeldBytes;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private final ArrayDeque<Object> heldEvents = new ArrayDeque<>();
    private int heldBytes;
    private boolean holding;

    InputHold(int maxHeldBytes) {
        this.maxHeldBytes = maxHeldBytes;
    }

    void hold() {
        holding = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!holding) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        heldBytes += buf.readableBytes();
        if (heldBytes > maxHeldBytes) {
            buf.release();
            releaseHeld();
            ctx.fireExceptionCaught(new PipelinedTooMuchException(maxHeldBytes));
            return;
        }
        held.add(buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!holding) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (holding && (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete)) {
            heldEvents.add(evt);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // The context still points at the next handler: held bytes continue the stream from here.
        boolean any = !held.isEmpty();
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            if (ctx.channel().isActive()) {
                ctx.fireChannelRead(buf);
            } else {
                buf.release();
            }
        }
        if (any && ctx.channel().isActive()) {
            ctx.fireChannelReadComplete();
        }
        Object evt;
        while ((evt = heldEvents.poll()) != null) {
            if (ctx.channel().isActive()) {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            buf.release();
        }
        heldBytes = 0;
    }

    /** The client sent more than the limit before its CONNACK. */
    static final class PipelinedTooMuchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PipelinedTooMuchException(int limit) {
            super("client sent more than " + limit + " bytes after CONNECT before its CONNACK", null, false, false);
        }
    }
}
