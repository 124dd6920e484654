package io.gmtls.proxy.tls;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * A tiny TLS 1.3 echo server for the tests: {@link Tls13EngineSelector} then an observer that records
 * what the server side saw, then an echo. The gateway's real pipeline is built elsewhere.
 */
final class EchoServer implements AutoCloseable {

    /** What the server saw on one connection. */
    record Observed(Tls13Selection selection, Tls13Selection selectionAttribute, boolean handshakeSucceeded,
            Throwable handshakeFailure, String protocol, String cipherSuite, List<X509Certificate> peerCertificates,
            List<Throwable> exceptionsReachingTail) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final BlockingQueue<Observed> observed = new LinkedBlockingQueue<>();

    EchoServer(Tls13ServerContexts contexts, boolean closeAfterEcho) throws InterruptedException {
        this(() -> new Tls13EngineSelector(contexts), closeAfterEcho);
    }

    EchoServer(java.util.function.Supplier<Tls13EngineSelector> selectors, boolean closeAfterEcho)
            throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(selectors.get(), new Observer(closeAfterEcho));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The next connection's observations, once it closed or its handshake ended. */
    Observed next() throws InterruptedException {
        Observed result = observed.poll(20, TimeUnit.SECONDS);
        if (result == null) {
            throw new AssertionError("the server observed no connection within 20 s");
        }
        return result;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Observer extends ChannelInboundHandlerAdapter {
        private final boolean closeAfterEcho;
        private final List<Throwable> exceptions = new ArrayList<>();
        private Tls13Selection selection;
        private boolean reported;

        Observer(boolean closeAfterEcho) {
            this.closeAfterEcho = closeAfterEcho;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Tls13Selection s) {
                selection = s;
            } else if (event instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                    report(ctx, true, null, session.getProtocol(), session.getCipherSuite(), peers(session));
                } else {
                    report(ctx, false, completion.cause(), null, null, List.of());
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            if (closeAfterEcho) {
                ctx.writeAndFlush(data).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(data);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            // Let exceptions raised while closing arrive before reporting a connection without handshake.
            ctx.executor().execute(() -> report(ctx, false, null, null, null, List.of()));
            super.channelInactive(ctx);
        }

        private void report(ChannelHandlerContext ctx, boolean ok, Throwable failure, String protocol, String suite,
                List<X509Certificate> peers) {
            if (reported) {
                return;
            }
            reported = true;
            observed.add(new Observed(selection, ctx.channel().attr(Tls13Selection.ATTRIBUTE).get(), ok, failure,
                    protocol, suite, peers, exceptions));
        }

        private List<X509Certificate> peers(SSLSession session) {
            try {
                List<X509Certificate> result = new ArrayList<>();
                for (Certificate certificate : session.getPeerCertificates()) {
                    result.add((X509Certificate) certificate);
                }
                return result;
            } catch (SSLPeerUnverifiedException e) {
                return List.of();
            }
        }
    }
}
