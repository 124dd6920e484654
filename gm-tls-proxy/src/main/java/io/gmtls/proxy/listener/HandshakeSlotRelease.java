package io.gmtls.proxy.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.gmtls.tlcp.TlcpSession;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Gives the connection's handshake slot back to the listener's {@link AdmissionControl} when the
 * TLS/TLCP handshake ends, either way, then leaves the pipeline. Sits behind the protocol sniffer (whose
 * place the SslHandler takes) and before the relay; a close before the end frees the slot too.
 */
final class HandshakeSlotRelease extends ChannelInboundHandlerAdapter {

    private final AdmissionControl admission;

    HandshakeSlotRelease(AdmissionControl admission) {
        this.admission = admission;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            admission.handshakeEnded(ctx.channel());
            if (done.isSuccess() && Boolean.TRUE.equals(ctx.channel().attr(ProtocolSniffer.RESUMPTION_OFFERED).get())) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl != null && ssl.engine().getSession() instanceof TlcpSession session && !session.resumed()) {
                    admission.chargeFullHandshake();
                }
            }
            // Removed before passing the event on (a removed context still forwards): nothing of it
            // stays with the established connection.
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
