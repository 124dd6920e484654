package io.gmtls.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.DecodeResult;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * A test upstream (a stand-in for a broker): decodes the PPv2 header with the proxy-protocol module's
 * receiver handler (allow-list 127.0.0.0/8), records the facts, then echoes every byte. A client's
 * half-close is answered by a half-close after the echo.
 */
final class PpEchoUpstream implements AutoCloseable {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final boolean expectHeader;
    /** When set, stops reading after the header: a broker that takes nothing more (backpressure tests). */
    volatile boolean stall;
    private final BlockingQueue<ConnectionFacts> facts = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> rejections = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private Channel server;
    private int port;

    PpEchoUpstream(boolean expectHeader) {
        this.expectHeader = expectHeader;
    }

    /** Starts on a free port. */
    static PpEchoUpstream start() throws InterruptedException {
        PpEchoUpstream upstream = new PpEchoUpstream(true);
        upstream.bind(0);
        return upstream;
    }

    /** Starts (again) on the given port. */
    void bind(int wanted) throws InterruptedException {
        server = new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.SO_RCVBUF, 64 * 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (expectHeader) {
                            ch.pipeline().addLast(new ProxyHeaderHandler(ReceiverSettings.defaults(),
                                    GatewayAllowList.of("127.0.0.0/8")));
                        }
                        ch.pipeline().addLast(new Echo());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", wanted)).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    int port() {
        return port;
    }

    /** Connections accepted so far (health checks included). */
    int connections() {
        return connections.get();
    }

    /** The next decoded header, waiting up to 10 s. */
    ConnectionFacts nextFacts() throws InterruptedException {
        ConnectionFacts next = facts.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no PPv2 header reached the upstream within 10 s (rejections: " + rejections + ")");
        }
        return next;
    }

    /** A header decoded within the time, or null. */
    ConnectionFacts pollFacts(Duration wait) throws InterruptedException {
        return facts.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops listening (existing connections stay). */
    void stop() {
        server.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        stop();
    }

    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof DecodeResult.Decoded) {
                if (stall) {
                    ctx.channel().config().setAutoRead(false);
                }
                facts.add(ctx.channel().attr(ProxyHeaderHandler.CONNECTION_FACTS).get());
            } else if (evt instanceof DecodeResult.Rejected rejected) {
                rejections.add(rejected.toString());
            } else if (evt instanceof ChannelInputShutdownEvent) {
                ((DuplexChannel) ctx.channel()).shutdownOutput();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
