package io.gmtls.enrollment.ppv2;

import io.gmtls.proxyprotocol.DecodeResult;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the PPv2 handler's outcome events (so that they never reach the HTTP layer), counts them,
 * and logs refusals — at most a few lines per second, since a refused peer controls how many it causes.
 * Removes itself once a header was accepted.
 */
final class Ppv2EventLogger extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Ppv2EventLogger.class);
    private final Ppv2Counters counters;

    Ppv2EventLogger(Ppv2Counters counters) {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof DecodeResult.Decoded) {
            counters.countAccepted();
            ctx.pipeline().remove(this);
        } else if (evt instanceof DecodeResult.Rejected rejected) {
            counters.countRejected();
            if (counters.mayLog()) {
                log.warn("PPv2 refused, connection closed: {} {} ({})", rejected.reason(), rejected.message(),
                        ctx.channel().remoteAddress());
            }
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }
}
