package io.gmtls.proxy.relay;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.upstream.Upstream;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionFactsBuilder;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.EncodedHeader;
import io.gmtls.tlcp.RevocationStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The client side of one relayed connection, and the owner of its state: waits for the handshake
 * (bounded by the handshake timeout), picks an upstream (retrying the next healthy one on connect
 * failure), writes the PPv2 header, then copies bytes both ways with backpressure (a side stops
 * reading while the other can't take more), propagates half-close (TCP FIN or TLS close_notify →
 * {@code shutdownOutput} on the other side) and close, and writes one access-log line at the end.
 *
 * <p>Both channels run on the same event loop; only {@link #closeRevoked()} is called from elsewhere
 * and hops onto it.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter implements LiveConnections.Revocable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    /**
     * Client bytes accepted before the upstream is connected (what arrived with the handshake's last
     * flight). Reading is off meanwhile, so this is only ever hit by a misbehaving client.
     */
    private static final int MAX_PENDING_BYTES = 256 * 1024;

    private final RelayContext rc;
    private final String id;
    private final long startNanos = System.nanoTime();
    private Channel front;
    private Channel back;
    private ScheduledFuture<?> handshakeTimer;
    private String family;
    private String protocol;
    private String suite;
    private String serverName;
    private String commonName;
    private String serial;
    private X509Certificate signingCertificate;
    private boolean authenticated;
    private UpstreamGroup group;
    private Upstream upstream;
    private List<Upstream> tried;
    private ArrayDeque<Object> pending;
    private int pendingBytes;
    private long bytesUp;
    private long bytesDown;
    private String closeReason;
    /** Which side half-closed first: the close reason once both have. */
    private String firstToClose;
    private boolean relaying;
    private boolean frontInputClosed;
    private boolean backInputClosed;
    private boolean logged;

    public FrontendHandler(RelayContext rc, String id) {
        this.rc = rc;
        this.id = id;
    }

    /** The connection id (PPv2 UNIQUE_ID). */
    public String id() {
        return id;
    }

    /** Called by the protocol sniffer: {@code TLCP} or {@code TLS}, for metrics of failed handshakes. */
    public void sniffed(String protocolFamily) {
        this.family = protocolFamily;
    }

    // ---- client side events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        front = ctx.channel();
        if (rc.listener().plaintext()) {
            front.config().setAutoRead(false);
            connectUpstream();
        } else {
            long timeout = rc.listener().limits().handshakeTimeout().toMillis();
            handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, timeout, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    private void handshakeTimedOut() {
        if (protocol == null && front.isActive()) {
            rc.meters().refused("handshake_timeout");
            rc.metrics().handshake(rc.listener().name(), "unknown", "none", "timeout", 0);
            rc.warnings().warn("handshake_timeout:" + rc.listener().name(), "listener " + rc.listener().name()
                    + ": closing connections whose handshake takes longer than "
                    + rc.listener().limits().handshakeTimeout().toMillis() + " ms (e.g. " + front.remoteAddress() + ")");
            closeWith("handshake_timeout");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                handshakeSucceeded(ctx);
            } else {
                handshakeFailed(handshake.cause());
            }
        } else if (evt instanceof SslCloseCompletionEvent || evt instanceof ChannelInputShutdownEvent) {
            clientInputClosed();
        } else if (evt instanceof IdleStateEvent) {
            closeWith("idle_timeout");
        }
        ReferenceCountUtil.release(evt);
    }

    private void handshakeSucceeded(ChannelHandlerContext ctx) {
        cancelHandshakeTimer();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        HandshakeFacts facts;
        try {
            facts = HandshakeFacts.of(front, ssl.engine().getSession());
        } catch (SSLPeerUnverifiedException unreadable) {
            // An authenticated client whose identity cannot be read is closed, never relayed as anonymous.
            handshakeFailed(unreadable);
            return;
        }
        protocol = facts.protocol();
        suite = facts.suite();
        serverName = facts.serverName();
        long nanos = System.nanoTime() - startNanos;
        rc.metrics().handshake(rc.listener().name(), protocol, suite, "success", nanos);
        X509Certificate signing = facts.signingCertificate();
        if (signing != null) {
            signingCertificate = signing;
            authenticated = true;
            commonName = commonName(signing);
            serial = signing.getSerialNumber().toString(16);
            List<X509Certificate> endEntities = facts.endEntityCertificates();
            rc.revocation().live().register(this, endEntities);
            // A CRL refresh between the handshake's check and the registration above would miss us: ask again.
            if (rc.revocation().status(endEntities) == RevocationStatus.REVOKED) {
                rc.metrics().revokedConnectionClosed();
                closeWith("certificate_revoked");
                return;
            }
        }
        front.config().setAutoRead(false);
        connectUpstream();
    }

    private void handshakeFailed(Throwable cause) {
        cancelHandshakeTimer();
        if (closeReason == null) {
            String alert = HandshakeFacts.alertOf(cause);
            String proto = family == null ? "unknown" : family;
            rc.metrics().handshake(rc.listener().name(), proto, "none", "failure", System.nanoTime() - startNanos);
            if (alert != null) {
                rc.metrics().alertSent(proto, alert);
            }
            closeReason = "handshake_failed: " + (cause == null ? "unknown" : cause.getMessage());
        }
        front.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int n = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        bytesUp += n;
        rc.meters().bytesIn(n);
        if (relaying) {
            back.write(msg, back.voidPromise());
            return;
        }
        if (back != null || protocol != null || rc.listener().plaintext()) {
            // Handshake done, upstream being connected: keep what came with the last flight.
            if (pending == null) {
                pending = new ArrayDeque<>(2);
            }
            pendingBytes += n;
            pending.add(msg);
            if (pendingBytes > MAX_PENDING_BYTES) {
                closeWith("client_sent_too_much_before_upstream_ready");
            }
            return;
        }
        // Application data before the handshake finished can't happen with a conforming engine.
        ReferenceCountUtil.release(msg);
        closeWith("data_before_handshake");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relaying) {
            back.flush();
            if (!back.isWritable()) {
                front.config().setAutoRead(false);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relaying && front.isWritable() && !backInputClosed) {
            back.config().setAutoRead(true);
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
            if (protocol == null && !rc.listener().plaintext()) {
                closeWith("client_closed_during_handshake");
            }
            // else: the upstream is being connected; the shutdown is forwarded once it is
            return;
        }
        forwardClientShutdown();
    }

    private void forwardClientShutdown() {
        if (backInputClosed) {
            closeWith(firstToClose);
            return;
        }
        back.flush();
        shutdownOutput(back);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHandshakeTimer();
        if (closeReason == null) {
            closeReason = protocol == null && !rc.listener().plaintext() ? "client_closed_during_handshake" : "client_closed";
        }
        if (back != null) {
            back.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        releasePending();
        if (authenticated) {
            rc.revocation().live().unregister(this);
        }
        writeAccessLog();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closeReason == null) {
            closeReason = "client_error: " + cause.getMessage();
        }
        LOG.debug("connection {}: client side failed", id, cause);
        closeBoth();
    }

    // ---- upstream ----

    private void connectUpstream() {
        if (!front.isActive()) {
            return;
        }
        if (group == null) {
            group = rc.groupFor(serverName);
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
            closeWith("no_upstream");
            return;
        }
        tried.add(candidate);
        Bootstrap bootstrap = new Bootstrap()
                .group(front.eventLoop())
                .channelFactory(rc.transport().socketChannelFactory())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, group.config().connectTimeout().toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new BackendHandler(this));
        bootstrap.connect(candidate.address()).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                upstreamConnected(f.channel(), candidate);
            } else {
                rc.metrics().upstreamConnectFailure(group.name(), candidate.label());
                LOG.debug("connection {}: upstream {} failed: {}", id, candidate, f.cause() == null ? "?" : f.cause().getMessage());
                connectUpstream();
            }
        });
    }

    private void upstreamConnected(Channel channel, Upstream server) {
        if (!front.isActive()) {
            channel.close();
            return;
        }
        back = channel;
        upstream = server;
        server.connectionOpened();
        if (group.encoder() != null) {
            ByteBuf header;
            try {
                header = proxyHeader();
            } catch (RuntimeException e) {
                LOG.warn("connection {}: cannot build the PPv2 header: {}", id, e.getMessage());
                closeWith("proxy_header_error");
                return;
            }
            back.write(header, back.voidPromise());
        }
        signingCertificate = null;
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

    private ByteBuf proxyHeader() {
        ConnectionFactsBuilder builder = ConnectionFacts.builder()
                .source((InetSocketAddress) front.remoteAddress())
                .destination((InetSocketAddress) front.localAddress())
                .connectionId(ConnectionId.of(id));
        if (protocol != null) {
            builder.protocol(protocol).cipher(suite).serverName(serverName);
            if (signingCertificate != null) {
                builder.clientCertificate(signingCertificate, 0);
            }
        }
        EncodedHeader header = group.encoder().encode(builder.build());
        if (!header.leftOut().isEmpty()) {
            rc.warnings().warn("ppv2_left_out:" + group.name(), "upstream group " + group.name()
                    + ": PPv2 TLVs " + header.leftOut() + " left out to stay under "
                    + group.encoder().options().maxHeaderBytes() + " bytes");
        }
        return header.toByteBuf();
    }

    void fromUpstream(ByteBuf buf, Object msg) {
        int n = buf == null ? 0 : buf.readableBytes();
        bytesDown += n;
        rc.meters().bytesOut(n);
        front.write(msg, front.voidPromise());
    }

    void upstreamReadComplete() {
        front.flush();
        if (!front.isWritable()) {
            back.config().setAutoRead(false);
        }
    }

    void upstreamWritabilityChanged() {
        if (back.isWritable() && !frontInputClosed) {
            front.config().setAutoRead(true);
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
            closeWith(firstToClose);
            return;
        }
        SslHandler ssl = front.pipeline().get(SslHandler.class);
        if (ssl != null) {
            front.flush();
            ssl.closeOutbound().addListener(f -> shutdownOutput(front));
        } else {
            front.flush();
            shutdownOutput(front);
        }
    }

    void upstreamClosed() {
        if (upstream != null) {
            upstream.connectionClosed();
        }
        if (closeReason == null) {
            closeReason = "upstream_closed";
        }
        if (front.isActive()) {
            front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void upstreamFailed(Throwable cause) {
        if (closeReason == null) {
            closeReason = "upstream_error: " + cause.getMessage();
        }
        closeBoth();
    }

    // ---- closing ----

    @Override
    public void closeRevoked() {
        Channel channel = front;
        if (channel == null) {
            return;
        }
        channel.eventLoop().execute(() -> closeWith("certificate_revoked"));
    }

    private void closeWith(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        closeBoth();
    }

    private void closeBoth() {
        if (back != null) {
            back.close();
        }
        front.close();
    }

    private static void shutdownOutput(Channel channel) {
        if (channel instanceof DuplexChannel duplex && channel.isActive()) {
            duplex.shutdownOutput();
        } else {
            channel.close();
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
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

    private void writeAccessLog() {
        if (logged || !AccessLog.enabled()) {
            return;
        }
        logged = true;
        StringBuilder line = new StringBuilder(256);
        AccessLog.field(line, "conn", id);
        AccessLog.field(line, "listener", rc.listener().name());
        AccessLog.field(line, "client", address(front.remoteAddress()));
        AccessLog.field(line, "protocol", protocol);
        AccessLog.field(line, "suite", suite);
        AccessLog.field(line, "sni", serverName);
        AccessLog.field(line, "cn", commonName);
        AccessLog.field(line, "serial", serial);
        AccessLog.field(line, "upstream", upstream == null ? null : upstream.group() + "/" + upstream.label());
        AccessLog.field(line, "bytes_up", bytesUp);
        AccessLog.field(line, "bytes_down", bytesDown);
        AccessLog.field(line, "duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        AccessLog.field(line, "close", closeReason);
        AccessLog.write(line);
    }

    private static String address(Object address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static String commonName(X509Certificate certificate) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(
                    certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            // LdapName lists RDNs in DER order (the reverse of the RFC 2253 string): the first CN wins, as in HAProxy.
            for (javax.naming.ldap.Rdn rdn : name.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}
