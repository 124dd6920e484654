package io.gmtls.proxy.relay;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The one owner of the handshake deadline ({@code limits.handshake-timeout}, from accept to the end of the
 * TLS/TLCP handshake, sniffing included): closes the connection with {@code handshake_timeout} when it
 * passes. The engines' own timeouts trail it by a margin, so this one wins. Leaves the pipeline when the
 * handshake ends, either way.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {

    private final RelayContext rc;
    private final ConnectionState state;
    private ScheduledFuture<?> timer;

    HandshakeDeadline(RelayContext rc, ConnectionState state) {
        this.rc = rc;
        this.state = state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = rc.listener().limits().handshakeTimeout().toMillis();
        timer = ctx.executor().schedule(this::expired, timeout, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    private void expired() {
        timer = null;
        if (state.protocol() == null && state.front().isActive()) {
            rc.meters().refused("handshake_timeout");
            rc.metrics().handshake(rc.listener().name(), "unknown", "none", "none", "timeout", 0);
            rc.warnings().warn("handshake_timeout:" + rc.listener().name(), "listener " + rc.listener().name()
                    + ": closing connections whose handshake takes longer than "
                    + rc.listener().limits().handshakeTimeout().toMillis() + " ms (e.g. "
                    + state.front().remoteAddress() + ")");
            state.closeWith("handshake_timeout");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent) {
            cancel();
            // Removed before passing the event on (a removed context still forwards).
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
