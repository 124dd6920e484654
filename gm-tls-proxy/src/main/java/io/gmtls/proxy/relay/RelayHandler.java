package io.gmtls.proxy.relay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.upstream.Upstream;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The client side of the relay, in the spirit of Netty's {@code HexDumpProxyFrontendHandler}: once the
 * client is identified ({@link ClientIdentified}; at once on a plaintext listener) picks an upstream
 * (the next healthy one on connect failure) and connects with a {@link BackendHandler}, then copies
 * client bytes upstream with backpressure (a side stops reading while the other can't take more),
 * propagates half-close (TCP FIN or TLS close_notify → {@code shutdownOutput} on the other side; the
 * close reason names who closed first) and close, and closes on the idle timer.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);
    /**
     * Client bytes accepted before the upstream is connected (what arrived with the handshake's last
     * flight). Reading is off meanwhile, so this is only ever hit by a misbehaving client.
     */
    static final int MAX_PENDING_BYTES = 256 * 1024;

    private final RelayContext rc;
    private final ConnectionState state;
    /** Until relaying starts: what the PPv2 header carries (null on a plaintext listener). */
    private HandshakeFacts facts;
    private boolean connecting;
    private UpstreamGroup group;
    private Upstream upstream;
    private List<Upstream> tried;
    private ArrayDeque<Object> pending;
    private int pendingBytes;
    /** Which side half-closed first: the close reason once both have. */
    private String firstToClose;
    private boolean relaying;
    private boolean frontInputClosed;
    private boolean backInputClosed;

    RelayHandler(RelayContext rc, ConnectionState state) {
        this.rc = rc;
        this.state = state;
    }

    // ---- client side events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (rc.listener().plaintext()) {
            startConnecting(null);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ClientIdentified identified) {
            startConnecting(identified.facts());
        } else if (evt instanceof SslCloseCompletionEvent || evt instanceof ChannelInputShutdownEvent) {
            clientInputClosed();
        } else if (evt instanceof IdleStateEvent) {
            state.closeWith("idle_timeout");
        }
        ReferenceCountUtil.release(evt);
    }

    private void startConnecting(HandshakeFacts handshake) {
        facts = handshake;
        connecting = true;
        state.front().config().setAutoRead(false);
        connectUpstream();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int n = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        state.addBytesUp(n);
        rc.meters().bytesIn(n);
        if (relaying) {
            Channel back = state.back();
            back.write(msg, back.voidPromise());
            return;
        }
        if (connecting) {
            // Handshake done, upstream being connected: keep what came with the last flight.
            if (pending == null) {
                pending = new ArrayDeque<>(2);
            }
            pendingBytes += n;
            pending.add(msg);
            if (pendingBytes > MAX_PENDING_BYTES) {
                state.closeWith("client_sent_too_much_before_upstream_ready");
            }
            return;
        }
        // Application data before the handshake finished can't happen with a conforming engine.
        ReferenceCountUtil.release(msg);
        state.closeWith("data_before_handshake");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relaying) {
            Channel back = state.back();
            back.flush();
            if (!back.isWritable()) {
                state.front().config().setAutoRead(false);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relaying && state.front().isWritable() && !backInputClosed) {
            state.back().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void clientInputClosed() {
        if (frontInputClosed) {
            return;
        }
        frontInputClosed = true;
        if (!backInputClosed) {
            firstToClose = "client_closed";
        }
        if (!relaying) {
            if (state.protocol() == null && !rc.listener().plaintext()) {
                state.closeWith("client_closed_during_handshake");
            }
            // else: the upstream is being connected; the shutdown is forwarded once it is
            return;
        }
        forwardClientShutdown();
    }

    private void forwardClientShutdown() {
        if (backInputClosed) {
            state.closeWith(firstToClose);
            return;
        }
        Channel back = state.back();
        back.flush();
        shutdownOutput(back);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state.closeReason(state.clientGoneReason(rc.listener().plaintext()));
        Channel back = state.back();
        if (back != null) {
            back.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        state.closeReason("client_error: " + cause.getMessage());
        LOG.debug("connection {}: client side failed", state.id(), cause);
        state.closeBoth();
    }

    // ---- upstream ----

    private void connectUpstream() {
        Channel front = state.front();
        if (!front.isActive()) {
            return;
        }
        if (group == null) {
            group = rc.groupFor(facts == null ? null : facts.serverName());
        }
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        Upstream candidate = group.pick(tried);
        if (candidate == null) {
            rc.meters().refused("no_upstream");
            rc.warnings().warn("no_upstream:" + group.name(), "upstream group " + group.name()
                    + ": no healthy server could be connected (" + tried.size() + " tried, "
                    + group.healthyCount() + "/" + group.servers().size() + " healthy); closing client connections");
            state.closeWith("no_upstream");
            return;
        }
        tried.add(candidate);
        HandshakeFacts handshake = facts;
        BackendHandler backend = new BackendHandler(this, state, rc, candidate,
                group.encoder() == null ? null : () -> ProxyHeaders.encode(state, handshake, group, rc.warnings()));
        ChannelFuture attempt = rc.upstreams().connect(front.eventLoop(), candidate.address(),
                group.config().connectTimeout(), backend);
        attempt.addListener((ChannelFuture f) -> {
            // Success goes on in BackendHandler.channelActive (which Netty fires right after this).
            if (!f.isSuccess()) {
                rc.metrics().upstreamConnectFailure(group.name(), candidate.label());
                LOG.debug("connection {}: upstream {} failed: {}", state.id(), candidate,
                        f.cause() == null ? "?" : f.cause().getMessage());
                connectUpstream();
            }
        });
    }

    /**
     * The upstream channel is connected: takes it as the connection's upstream unless the client has
     * gone meanwhile.
     *
     * @return false when the client is gone (the caller closes the channel)
     */
    boolean upstreamConnected(Channel channel, Upstream server) {
        if (!state.front().isActive()) {
            return false;
        }
        state.back(channel);
        state.upstream(server.qualifiedLabel());
        upstream = server;
        server.connectionOpened();
        return true;
    }

    /** The PPv2 header is written: sends what the client sent meanwhile and starts relaying both ways. */
    void startRelaying() {
        Channel front = state.front();
        Channel back = state.back();
        facts = null;
        relaying = true;
        if (pending != null) {
            Object msg;
            while ((msg = pending.poll()) != null) {
                back.write(msg, back.voidPromise());
            }
            pending = null;
            pendingBytes = 0;
        }
        back.flush();
        back.config().setAutoRead(true);
        if (frontInputClosed) {
            forwardClientShutdown();
        } else if (back.isWritable()) {
            front.config().setAutoRead(true);
        }
    }

    void upstreamWritabilityChanged() {
        if (state.back().isWritable() && !frontInputClosed) {
            state.front().config().setAutoRead(true);
        }
    }

    void upstreamInputClosed() {
        if (backInputClosed) {
            return;
        }
        backInputClosed = true;
        if (!frontInputClosed) {
            firstToClose = "upstream_closed";
        }
        if (frontInputClosed) {
            state.closeWith(firstToClose);
            return;
        }
        Channel front = state.front();
        SslHandler ssl = front.pipeline().get(SslHandler.class);
        front.flush();
        if (ssl != null) {
            ssl.closeOutbound().addListener(f -> shutdownOutput(front));
        } else {
            shutdownOutput(front);
        }
    }

    void upstreamClosed() {
        if (upstream != null) {
            upstream.connectionClosed();
        }
        state.closeReason("upstream_closed");
        Channel front = state.front();
        if (front.isActive()) {
            front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void upstreamFailed(Throwable cause) {
        state.closeReason("upstream_error: " + cause.getMessage());
        state.closeBoth();
    }

    private static void shutdownOutput(Channel channel) {
        if (channel instanceof DuplexChannel duplex && channel.isActive()) {
            duplex.shutdownOutput();
        } else {
            channel.close();
        }
    }

    private void releasePending() {
        if (pending != null) {
            Object msg;
            while ((msg = pending.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
            pending = null;
        }
    }
}
