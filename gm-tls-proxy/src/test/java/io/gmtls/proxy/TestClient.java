package io.gmtls.proxy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Promise;

/**
 * A Netty test client: connects, optionally runs a TLS/TLCP handshake, collects what it receives and
 * tells when the server closed or half-closed.
 */
final class TestClient implements AutoCloseable {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final Channel channel;
    private final StringBuffer received;
    private final Promise<Void> handshake;
    private final Promise<Void> inputClosed;

    private TestClient(Channel channel, StringBuffer received, Promise<Void> handshake, Promise<Void> inputClosed) {
        this.channel = channel;
        this.received = received;
        this.handshake = handshake;
        this.inputClosed = inputClosed;
    }

    /**
     * Connects; with a handler supplier, waits (up to 15 s) for the handshake to end either way.
     *
     * @param ssl makes the client SslHandler, or null for plain TCP
     */
    static TestClient connect(int port, Supplier<? extends ChannelHandler> ssl) throws InterruptedException {
        return connect(new InetSocketAddress("127.0.0.1", port), null, ssl);
    }

    static TestClient connect(InetSocketAddress address, InetSocketAddress local,
            Supplier<? extends ChannelHandler> ssl) throws InterruptedException {
        Promise<Void> handshake = GROUP.next().newPromise();
        Promise<Void> inputClosed = GROUP.next().newPromise();
        StringBuffer received = new StringBuffer();
        Bootstrap bootstrap = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.get());
                        }
                        ch.pipeline().addLast(new Collector(received, handshake, inputClosed));
                    }
                });
        var connect = local == null ? bootstrap.connect(address) : bootstrap.connect(address, local);
        Channel channel = connect.sync().channel();
        if (ssl == null) {
            handshake.trySuccess(null);
        }
        handshake.await(15, TimeUnit.SECONDS);
        return new TestClient(channel, received, handshake, inputClosed);
    }

    /** True when the handshake succeeded (always for plain TCP). */
    boolean handshakeSucceeded() {
        return handshake.isSuccess();
    }

    /** Why the handshake failed, or null. */
    Throwable handshakeFailure() {
        return handshake.cause();
    }

    /** The client's SslHandler, or null. */
    SslHandler ssl() {
        return channel.pipeline().get(SslHandler.class);
    }

    void send(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).syncUninterruptibly();
    }

    /**
     * Sends without waiting for the write to succeed: for connections the server is about to refuse,
     * where the refusal may close the engine before the write (TLS 1.3 lets the client finish first).
     */
    void sendIfStillOpen(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).awaitUninterruptibly();
    }

    /** Waits until {@code expected} has been received in full. */
    String awaitReceived(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (received.toString().contains(expected)) {
                return received.toString();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("did not receive '" + expected + "' within " + timeout + "; got '" + received + "'");
    }

    String received() {
        return received.toString();
    }

    /**
     * True when the server closed the connection (or its sending side) within the time. The client
     * allows half-closure, so a server's close shows as the end of its input.
     */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return awaitInputClosed(timeout);
    }

    /** True when the server half-closed (FIN or close_notify) or closed within the time. */
    boolean awaitInputClosed(Duration timeout) throws InterruptedException {
        return inputClosed.await(timeout.toMillis()) || !channel.isActive();
    }

    /** True while connected and the server has not closed its side. */
    boolean isOpen() {
        return channel.isActive() && !inputClosed.isDone();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final StringBuffer target;
        private final Promise<Void> handshake;
        private final Promise<Void> inputClosed;

        Collector(StringBuffer target, Promise<Void> handshake, Promise<Void> inputClosed) {
            this.target = target;
            this.handshake = handshake;
            this.inputClosed = inputClosed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                target.append(buf.toString(StandardCharsets.UTF_8));
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (e.isSuccess()) {
                    handshake.trySuccess(null);
                } else {
                    handshake.tryFailure(e.cause());
                }
            } else if (evt instanceof SslCloseCompletionEvent || evt instanceof ChannelInputShutdownEvent) {
                inputClosed.trySuccess(null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.tryFailure(new IllegalStateException("connection closed"));
            inputClosed.trySuccess(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.tryFailure(cause);
            ctx.close();
        }
    }
}
