package io.gmtls.proxyprotocol;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Last handler of a test pipeline: records what reaches the application after the PPv2 handler. */
final class Recorder extends ChannelInboundHandlerAdapter {

    final List<Object> events = new CopyOnWriteArrayList<>();
    final List<byte[]> reads = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean active;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            reads.add(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.countDown();
    }

    /** Everything read so far; one snapshot of {@link #reads}, which the event loop may still grow. */
    byte[] payload() {
        List<byte[]> snapshot = List.copyOf(reads);
        int size = snapshot.stream().mapToInt(b -> b.length).sum();
        byte[] all = new byte[size];
        int pos = 0;
        for (byte[] b : snapshot) {
            System.arraycopy(b, 0, all, pos, b.length);
            pos += b.length;
        }
        return all;
    }

    <T> T single(Class<T> type) {
        List<Object> matching = events.stream().filter(type::isInstance).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " event, got " + events);
        }
        return type.cast(matching.get(0));
    }
}
