package io.gmtls.brokeradapter.testing;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * A minimal MQTT client on Netty's codec for the tests: writes raw bytes (a PPv2 header, garbage)
 * or MQTT messages, and queues what it receives. Received PUBLISH payloads are copied, so queued
 * messages need no release.
 */
public final class TestMqttClient implements AutoCloseable {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final Channel channel;
    private final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
    private final CountDownLatch inputShut = new CountDownLatch(1);
    private volatile long bytesReceived;

    private TestMqttClient(InetSocketAddress remote, InetSocketAddress local) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof ByteBuf buf) {
                                    bytesReceived += buf.readableBytes();
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(new MqttDecoder(16 * 1024 * 1024), MqttEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<MqttMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                        if (msg instanceof MqttPublishMessage p) {
                                            received.add(new MqttPublishMessage(p.fixedHeader(), p.variableHeader(),
                                                    Unpooled.copiedBuffer(p.payload())));
                                        } else {
                                            received.add(msg);
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
                                    }
                                });
                    }
                });
        channel = (local == null ? b.connect(remote) : b.connect(remote, local)).sync().channel();
    }

    /** Connects to {@code remote}. */
    public static TestMqttClient connect(InetSocketAddress remote) throws InterruptedException {
        return new TestMqttClient(remote, null);
    }

    /** Connects to {@code remote} from the local address {@code local} (port 0: any). */
    public static TestMqttClient connectFrom(InetSocketAddress remote, InetSocketAddress local) throws InterruptedException {
        return new TestMqttClient(remote, local);
    }

    /** Writes raw bytes without flushing. */
    public TestMqttClient write(byte[] bytes) {
        channel.write(Unpooled.wrappedBuffer(bytes));
        return this;
    }

    /** Writes an MQTT message without flushing. */
    public TestMqttClient write(MqttMessage message) {
        channel.write(message);
        return this;
    }

    /**
     * Flushes what was written (in one go: the peer typically reads it as one segment) and waits
     * for the write; a write the peer refused (it closed first) is not an error here.
     */
    public TestMqttClient flush() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).awaitUninterruptibly();
        return this;
    }

    /** Shuts down the output direction (TCP half-close). */
    public void shutdownOutput() throws InterruptedException {
        ((SocketChannel) channel).shutdownOutput().sync();
    }

    /** The next message received within {@code seconds}, or {@code null}. */
    public MqttMessage poll(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** Waits for the next message of {@code type}, skipping others; fails after {@code seconds}. */
    public MqttMessage await(MqttMessageType type, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            MqttMessage m = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                throw new AssertionError("no " + type + " within " + seconds + " s");
            }
            if (m.fixedHeader().messageType() == type) {
                return m;
            }
        }
    }

    /** Waits for the CONNACK. */
    public MqttConnAckMessage awaitConnAck(long seconds) throws InterruptedException {
        return (MqttConnAckMessage) await(MqttMessageType.CONNACK, seconds);
    }

    /**
     * {@code true} when the peer closed the connection (end of input; this client allows
     * half-closure, so its own side stays open until {@link #close}) within {@code seconds}.
     */
    public boolean awaitClosed(long seconds) throws InterruptedException {
        return inputShut.await(seconds, TimeUnit.SECONDS);
    }


    /** Bytes received in total. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Messages queued and not yet taken. */
    public int pending() {
        return received.size();
    }

    /** {@code true} while connected. */
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    // ---- message helpers -------------------------------------------------------------------

    /** A CONNECT. */
    public static MqttConnectMessage connectMessage(MqttVersion version, String clientId, String username, String password) {
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect()
                .protocolVersion(version).clientId(clientId).cleanSession(true).keepAlive(30);
        if (username != null) {
            b.hasUser(true).username(username);
        }
        if (password != null) {
            b.hasPassword(true).password(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** A PUBLISH. */
    public static MqttPublishMessage publish(String topic, MqttQoS qos, int packetId, String payload) {
        return MqttMessageBuilders.publish().topicName(topic).qos(qos).messageId(packetId).retained(false)
                .payload(Unpooled.copiedBuffer(payload, java.nio.charset.StandardCharsets.UTF_8))
                .properties(MqttProperties.NO_PROPERTIES).build();
    }

    /** A SUBSCRIBE of one filter. */
    public static MqttMessage subscribe(String filter, MqttQoS qos, int packetId) {
        return MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(qos, filter).build();
    }
}
