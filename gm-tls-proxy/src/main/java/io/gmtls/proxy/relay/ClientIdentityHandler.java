package io.gmtls.proxy.relay;


import javax.net.ssl.SSLPeerUnverifiedException;

import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TlcpSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Turns the end of the handshake into a verified client identity: reads the {@link HandshakeFacts},
 * counts the handshake (and the alert of a failed one), registers an authenticated client with the
 * revocation registry and checks it once more (a CRL refresh may have come between the engine's check
 * and the registration), then fires {@link ClientIdentified}. A failed handshake, a client whose
 * certificates cannot be read or a revoked one is closed instead, and nothing is fired.
 *
 * <p>Learns the protocol family from {@link ProtocolSniffed}. Leaves the pipeline once the handshake has
 * ended; a registered connection stays {@link LiveConnections.Revocable} until it closes.
 */
final class ClientIdentityHandler extends ChannelInboundHandlerAdapter implements LiveConnections.Revocable {

    private final RelayContext rc;
    private final ConnectionState state;

    ClientIdentityHandler(RelayContext rc, ConnectionState state) {
        this.rc = rc;
        this.state = state;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ProtocolSniffed sniffed) {
            state.family(sniffed.family());
        } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(evt);
            if (handshake.isSuccess()) {
                succeeded(ctx);
            } else {
                failed(ctx.channel(), handshake.cause());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void succeeded(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        HandshakeFacts facts;
        try {
            facts = HandshakeFacts.of(channel, ssl.engine().getSession(), rc.revocation().live());
        } catch (SSLPeerUnverifiedException unreadable) {
            // An authenticated client whose identity cannot be read is closed, never relayed as anonymous.
            failed(channel, unreadable);
            return;
        }
        state.handshake(facts.protocol(), facts.suite(), facts.serverName());
        rc.metrics().handshake(rc.listener().name(), facts.protocol(), facts.suite(), kind(ssl), "success",
                System.nanoTime() - state.startNanos());
        PeerIdentity client = facts.identity();
        if (client != null) {
            state.client(client.commonName(), client.serialHex());
            LiveConnections live = rc.revocation().live();
            LiveConnections.CertificateId[] ids = client.endEntities();
            live.register(this, ids);
            channel.closeFuture().addListener(f -> live.unregister(this, ids));
            // A CRL refresh or feed event between the handshake's check and the registration above would miss
            // us: ask again (both install the revocation before they look for live connections).
            if (revoked(client)) {
                rc.metrics().revokedConnectionClosed();
                state.closeWith("certificate_revoked");
                return;
            }
        }
        ctx.fireUserEventTriggered(new ClientIdentified(facts));
    }

    private void failed(Channel channel, Throwable cause) {
        if (state.closeReason() == null) {
            String alert = HandshakeFacts.alertOf(cause);
            String family = state.family() == null ? "unknown" : state.family();
            rc.metrics().handshake(rc.listener().name(), family, "none", "none", "failure",
                    System.nanoTime() - state.startNanos());
            if (alert != null) {
                rc.metrics().alertSent(family, alert);
            }
            state.closeReason("handshake_failed: " + (cause == null ? "unknown" : cause.getMessage()));
        }
        channel.close();
    }

    /**
     * {@code resumed} or {@code full}. TLCP sessions say which; TLS 1.3 engines (BoringSSL through Netty,
     * BouncyCastle for RFC 8998, which keeps no sessions) don't tell through their public API, so TLS
     * handshakes count as full.
     */
    private static String kind(SslHandler ssl) {
        return ssl.engine().getSession() instanceof TlcpSession session && session.resumed() ? "resumed" : "full";
    }

    @Override
    public void closeRevoked() {
        state.front().eventLoop().execute(() -> state.closeWith("certificate_revoked"));
    }

    /** Whether one of the client's end-entity certificates is revoked now. */
    private boolean revoked(PeerIdentity client) {
        for (LiveConnections.CertificateId id : client.checked()) {
            if (rc.revocation().status(id.issuer(), id.serial()) == RevocationStatus.REVOKED) {
                return true;
            }
        }
        return false;
    }
}
