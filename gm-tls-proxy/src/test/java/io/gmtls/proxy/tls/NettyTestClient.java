package io.gmtls.proxy.tls;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLSession;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/** A Netty TLS client that sends one message and waits for its echo, recording how it went. */
final class NettyTestClient {

    /** What the client saw: the echo (null if none), the failure (null if none), the session if any. */
    record Outcome(String echo, Throwable failure, String protocol, String cipherSuite, String peerSubject) {

        /** All messages in the failure's cause chain, for alert names. */
        String failureText() {
            StringBuilder text = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                text.append(t).append(" | ");
            }
            return text.toString();
        }
    }

    private NettyTestClient() {
    }

    static Outcome exchange(int port, Supplier<SslHandler> handlers, String message) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handlers.get(), new Exchange(message, outcome));
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            Outcome result = outcome.get(20, TimeUnit.SECONDS);
            channel.close().sync();
            return result;
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private final String message;
        private final CompletableFuture<Outcome> outcome;
        private final StringBuilder received = new StringBuilder();
        private SSLSession session;

        Exchange(String message, CompletableFuture<Outcome> outcome) {
            this.message = message;
            this.outcome = outcome;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                    ctx.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
                } else {
                    complete(null, completion.cause());
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            received.append(data.toString(StandardCharsets.UTF_8));
            data.release();
            if (received.length() >= message.length()) {
                complete(received.toString(), null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            complete(null, cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            complete(received.length() == 0 ? null : received.toString(),
                    new IllegalStateException("connection closed"));
        }

        private void complete(String echo, Throwable failure) {
            String subject = null;
            if (session != null) {
                try {
                    subject = ((java.security.cert.X509Certificate) session.getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    subject = null;
                }
            }
            outcome.complete(new Outcome(echo, failure, session == null ? null : session.getProtocol(),
                    session == null ? null : session.getCipherSuite(), subject));
        }
    }
}
