package io.gmtls.proxy.bench;

import java.net.InetSocketAddress;

import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Benchmark upstream: an echo server on one or more ports that strips the PPv2 header (when told to)
 * with the proxy-protocol receiver handler. Echo writes are flushed per read batch, with backpressure.
 *
 * <pre>java -cp … io.gmtls.proxy.bench.BenchUpstream [--no-ppv2] PORT…</pre>
 */
public final class BenchUpstream {

    private BenchUpstream() {
    }

    public static void main(String[] args) throws Exception {
        boolean ppv2 = true;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        for (String arg : args) {
            if (arg.equals("--no-ppv2")) {
                ppv2 = false;
                continue;
            }
            boolean withHeader = ppv2;
            Channel ch = new ServerBootstrap().group(group)
                    .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            if (withHeader) {
                                c.pipeline().addLast(new ProxyHeaderHandler(ReceiverSettings.defaults(),
                                        GatewayAllowList.of("127.0.0.0/8")));
                            }
                            c.pipeline().addLast(Echo.INSTANCE);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(arg))).sync().channel();
            System.out.println("upstream listening on " + ch.localAddress() + (withHeader ? " (PPv2)" : ""));
        }
        System.out.flush();
        Thread.currentThread().join();
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
