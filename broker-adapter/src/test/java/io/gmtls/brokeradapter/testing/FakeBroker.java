package io.gmtls.brokeradapter.testing;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * A plain-TCP stand-in for a broker that records what the gate forwards: the CONNECT (decoded),
 * then either decoded packets or, in raw mode, the byte count. Answers CONNECT with CONNACK 0.
 */
public final class FakeBroker implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
    private final AtomicReference<Channel> connection = new AtomicReference<>();
    private final CountDownLatch inputShut = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final boolean raw;
    private volatile long rawBytes;

    private FakeBroker(boolean raw) throws InterruptedException {
        this.raw = raw;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connection.set(ch);
                        ch.pipeline().addLast("decoder", new MqttDecoder(16 * 1024 * 1024));
                        ch.pipeline().addLast(MqttEncoder.INSTANCE);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof ByteBuf buf) {
                                    rawBytes += buf.readableBytes();
                                    buf.release();
                                    return;
                                }
                                MqttMessage m = (MqttMessage) msg;
                                if (m instanceof MqttPublishMessage p) {
                                    received.add(new MqttPublishMessage(p.fixedHeader(), p.variableHeader(),
                                            Unpooled.copiedBuffer(p.payload())));
                                    p.release();
                                } else {
                                    received.add(m);
                                }
                                if (m instanceof MqttConnectMessage) {
                                    ctx.writeAndFlush(MqttMessageBuilders.connAck()
                                            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).build());
                                    if (FakeBroker.this.raw) {
                                        ctx.pipeline().remove("decoder");
                                    }
                                }
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof ChannelInputShutdownEvent) {
                                    inputShut.countDown();
                                }
                                ReferenceCountUtil.release(evt);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                inputShut.countDown();
                                closed.countDown();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A broker that decodes every packet. */
    public static FakeBroker start() throws InterruptedException {
        return new FakeBroker(false);
    }

    /** A broker that decodes the CONNECT, then only counts bytes. */
    public static FakeBroker startRaw() throws InterruptedException {
        return new FakeBroker(true);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public MqttMessage poll(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** The gate's connection to this broker, once made. */
    public Channel connection() {
        return connection.get();
    }

    public long rawBytes() {
        return rawBytes;
    }

    public boolean awaitInputShutdown(long seconds) throws InterruptedException {
        return inputShut.await(seconds, TimeUnit.SECONDS);
    }

    public boolean awaitClosed(long seconds) throws InterruptedException {
        return closed.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
