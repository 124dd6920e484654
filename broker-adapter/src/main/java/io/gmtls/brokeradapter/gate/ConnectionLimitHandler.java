package io.gmtls.brokeradapter.gate;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts open client connections against the configured maximum and closes any over it as soon
 * as it becomes active, before anything is read. One instance per connection sharing one counter.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final AtomicInteger open;
    private final int max;
    private final GateMetrics metrics;
    private final ConnectionRecord record;
    private boolean counted;

    ConnectionLimitHandler(AtomicInteger open, int max, GateMetrics metrics, ConnectionRecord record) {
        this.open = open;
        this.max = max;
        this.metrics = metrics;
        this.record = record;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.refused("limit");
            record.decided("refused", "connection limit of " + max + " reached");
            ctx.close();
            return;
        }
        counted = true;
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // A channel closed before it became active (e.g. not a gateway) was never counted.
        if (counted) {
            counted = false;
            open.decrementAndGet();
            metrics.connectionClosed();
        }
        ctx.fireChannelInactive();
    }
}
