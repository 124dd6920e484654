package io.gmtls.tboxsim.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.EventLoops;
import io.gmtls.tboxsim.transport.FailureCauses;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * A minimal MQTT subscriber (3.1.1 or 5) over any {@link ClientTransport}: connects, subscribes to one
 * topic filter, acknowledges QoS 1 messages and hands each message to a listener. For the
 * {@code subscribe} command and for tests that count what the load generator published.
 *
 * <pre>{@code
 * try (MqttSubscriber sub = MqttSubscriber.connect(settings, transport, m -> {})) {
 *     sub.awaitCount(60, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class MqttSubscriber implements AutoCloseable {

    /**
     * A received message.
     *
     * @param topic   its topic
     * @param qos     QoS it was delivered with
     * @param payload its payload (copied)
     */
    public record Message(String topic, int qos, byte[] payload) {
    }

    /**
     * Where and what to subscribe.
     *
     * @param remote         broker or gateway address
     * @param clientId       MQTT client ID (also the user name)
     * @param topicFilter    filter, wildcards allowed
     * @param qos            requested QoS (0 or 1)
     * @param mqttVersion    3.1.1 or 5
     * @param keepAliveSeconds MQTT keep-alive, 0 = off
     * @param timeout        for connect + handshake + CONNACK + SUBACK
     * @param maxMessageBytes largest packet accepted
     */
    public record Settings(InetSocketAddress remote, String clientId, String topicFilter, MqttQoS qos,
            MqttVersion mqttVersion, int keepAliveSeconds, Duration timeout, int maxMessageBytes) {
        public Settings {
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(topicFilter, "topicFilter");
            if (qos != MqttQoS.AT_MOST_ONCE && qos != MqttQoS.AT_LEAST_ONCE) {
                throw new IllegalArgumentException("--qos: 0 or 1");
            }
        }
    }

    private final EventLoops loops;
    private final Channel channel;
    private final boolean resumed;
    private final AtomicLong received;
    private final CompletableFuture<String> closed;

    private MqttSubscriber(EventLoops loops, Channel channel, boolean resumed, AtomicLong received,
            CompletableFuture<String> closed) {
        this.loops = loops;
        this.channel = channel;
        this.resumed = resumed;
        this.received = received;
        this.closed = closed;
    }

    /**
     * Connects and subscribes; returns once the SUBACK granted the subscription.
     *
     * @param listener called on the I/O thread for each message (must not block)
     * @throws IOException with a short cause (tcp refused, handshake alert …, connack code N, suback refused)
     */
    public static MqttSubscriber connect(Settings settings, ClientTransport transport, Consumer<Message> listener)
            throws IOException, InterruptedException {
        EventLoops loops = EventLoops.create(1);
        AtomicLong received = new AtomicLong();
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        Handler handler = new Handler(settings, transport, listener, received, subscribed, closed);
        Bootstrap bootstrap = new Bootstrap().group(loops.group()).channel(loops.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.timeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        transport.initPipeline(ch.pipeline());
                        ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(settings.maxMessageBytes()));
                        ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                        if (settings.keepAliveSeconds() > 0) {
                            ch.pipeline().addLast("keepalive", new IdleStateHandler(0, settings.keepAliveSeconds(), 0));
                        }
                        ch.pipeline().addLast("subscriber", handler);
                    }
                });
        Channel channel = bootstrap.connect(settings.remote()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                subscribed.completeExceptionally(new IOException(FailureCauses.ofConnect(f.cause())));
            }
        }).channel();
        try {
            subscribed.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            channel.close();
            loops.close();
            throw new IOException(e instanceof TimeoutException ? "subscribe timed out" : e.getCause().getMessage(),
                    e.getCause());
        }
        return new MqttSubscriber(loops, channel, transport.secure() && transport.resumed(channel), received, closed);
    }

    /** Whether the connection's TLS / TLCP handshake resumed an earlier session of its transport. */
    public boolean resumed() {
        return resumed;
    }

    /** Messages received so far. */
    public long received() {
        return received.get();
    }

    /** Waits until at least {@code count} messages arrived; false on timeout or when the connection closed. */
    public boolean awaitCount(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.get() < count) {
            if (System.nanoTime() - deadline > 0 || closed.isDone()) {
                return received.get() >= count;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Completes with the reason when the connection ends (null after {@link #close()}). */
    public CompletableFuture<String> closed() {
        return closed;
    }

    /** Sends DISCONNECT and closes. */
    @Override
    public void close() {
        closed.complete(null);
        if (channel.isActive()) {
            channel.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE)
                    .awaitUninterruptibly(2_000);
        }
        channel.close().awaitUninterruptibly(2_000);
        loops.close();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final Settings settings;
        private final ClientTransport transport;
        private final Consumer<Message> listener;
        private final AtomicLong received;
        private final CompletableFuture<Void> subscribed;
        private final CompletableFuture<String> closed;

        Handler(Settings settings, ClientTransport transport, Consumer<Message> listener, AtomicLong received,
                CompletableFuture<Void> subscribed, CompletableFuture<String> closed) {
            this.settings = settings;
            this.transport = transport;
            this.listener = listener;
            this.received = received;
            this.subscribed = subscribed;
            this.closed = closed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!transport.secure()) {
                sendConnect(ctx);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    sendConnect(ctx);
                } else {
                    fail(ctx, FailureCauses.ofHandshake(handshake.cause()));
                }
            } else if (evt instanceof IdleStateEvent) {
                ctx.writeAndFlush(MqttMessage.PINGREQ);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        private void sendConnect(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(MqttMessageBuilders.connect()
                    .protocolVersion(settings.mqttVersion())
                    .clientId(settings.clientId())
                    .hasUser(true)
                    .username(settings.clientId())
                    .cleanSession(true)
                    .keepAlive(settings.keepAliveSeconds())
                    .build());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof MqttMessage message)) {
                    return;
                }
                if (message.decoderResult().isFailure()) {
                    fail(ctx, "mqtt malformed packet from server");
                    return;
                }
                switch (message.fixedHeader().messageType()) {
                    case CONNACK -> {
                        MqttConnectReturnCode code = ((MqttConnAckMessage) message).variableHeader().connectReturnCode();
                        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                            fail(ctx, "connack code " + (code.byteValue() & 0xff) + " (" + code + ")");
                            return;
                        }
                        ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                                .addSubscription(settings.qos(), settings.topicFilter()).build());
                    }
                    case SUBACK -> {
                        MqttSubAckMessage ack = (MqttSubAckMessage) message;
                        int granted = ack.payload().grantedQoSLevels().isEmpty() ? 0x80
                                : ack.payload().grantedQoSLevels().get(0);
                        if (granted >= 0x80) {
                            fail(ctx, "subscription refused (code " + granted + ")");
                        } else {
                            subscribed.complete(null);
                        }
                    }
                    case PUBLISH -> {
                        MqttPublishMessage publish = (MqttPublishMessage) message;
                        int qos = publish.fixedHeader().qosLevel().value();
                        if (qos == 1) {
                            ctx.writeAndFlush(MqttMessageBuilders.pubAck()
                                    .packetId(publish.variableHeader().packetId()).build());
                        }
                        received.incrementAndGet();
                        listener.accept(new Message(publish.variableHeader().topicName(), qos,
                                ByteBufUtil.getBytes(publish.payload())));
                    }
                    default -> {
                        // PINGRESP, PUBACK etc.: nothing to do.
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, subscribed.isDone() ? FailureCauses.ofConnection(cause) : FailureCauses.ofHandshake(cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            subscribed.completeExceptionally(new IOException("connection closed before the subscription"));
            closed.complete("connection closed");
            ctx.fireChannelInactive();
        }

        private void fail(ChannelHandlerContext ctx, String cause) {
            subscribed.completeExceptionally(new IOException(cause));
            closed.complete(cause);
            ctx.close();
        }
    }
}
