package io.gmtls.proxy.warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.proxy.listener.Transport;
import io.gmtls.proxyprotocol.DecodeResult;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

/**
 * The warm-up's upstream, in the gateway's process on a loopback port of its own: reads the PPv2 header
 * the relay writes (with the receiver handler brokers use), counts it, and echoes what follows. The real
 * upstream groups never see a warm-up connection.
 */
final class WarmUpSink implements AutoCloseable {

    private final Channel server;
    private final AtomicInteger headers = new AtomicInteger();

    private WarmUpSink(EventLoopGroup group, Transport transport, ReceiverSettings settings) throws InterruptedException {
        GatewayAllowList loopback = GatewayAllowList.of("127.0.0.0/8", "::1");
        this.server = new ServerBootstrap()
                .group(group)
                .channelFactory(transport.serverChannelFactory())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ProxyHeaderHandler(settings, loopback), new Echo());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    /** Listens on a free loopback port. */
    static WarmUpSink start(EventLoopGroup group, Transport transport, ReceiverSettings settings)
            throws InterruptedException {
        return new WarmUpSink(group, transport, settings);
    }

    /** The port's address. */
    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** PPv2 headers read and accepted so far. */
    int headers() {
        return headers.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
    }

    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof DecodeResult.Decoded) {
                headers.incrementAndGet();
            }
            super.userEventTriggered(ctx, event);
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
