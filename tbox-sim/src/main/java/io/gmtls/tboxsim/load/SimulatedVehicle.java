package io.gmtls.tboxsim.load;

import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.FailureCauses;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * One simulated T-Box: connects (TCP, TLS/TLCP handshake, MQTT CONNECT with client ID and user name =
 * VIN), publishes telemetry at its rate, drops and re-opens its connection on a "cell change" (the same
 * {@link ClientTransport}, so the handshake can resume), retries failed connections when allowed, and
 * ends with DISCONNECT once its messages are acknowledged or the run stops.
 *
 * <p>All state lives on the vehicle's own event loop: every entry point hops onto it, so nothing here
 * is locked. Memory per vehicle is fixed: this object, its transport, one connection's pipeline and an
 * in-flight window of {@code --max-inflight} entries.
 */
final class SimulatedVehicle {

    private enum Stage { TCP, HANDSHAKE, CONNACK, ESTABLISHED, ENDED }

    private final RunContext run;
    private final String vin;
    private final String topic;
    private final EventLoop loop;
    private final ClientTransport transport;
    private final Inflight inflight;
    private final long publishIntervalNanos;
    private final boolean qos1;

    private Connection connection;
    private ScheduledFuture<?> retryTimer;
    private int retriesLeft;
    private long sequence;
    private int lastPacketId;
    private boolean started;
    private boolean stopRequested;
    private boolean finishing;
    private boolean done;
    private boolean everConnected;
    private boolean reconnectPending;

    SimulatedVehicle(RunContext run, String vin, EventLoop loop, ClientTransport transport) {
        this.run = run;
        this.vin = vin;
        this.topic = run.settings.topicFor(vin);
        this.loop = loop;
        this.transport = transport;
        this.inflight = new Inflight(run.settings.maxInflight());
        this.publishIntervalNanos = run.settings.publishIntervalNanos();
        this.qos1 = run.settings.qos() == MqttQoS.AT_LEAST_ONCE;
        this.retriesLeft = run.settings.retries();
    }

    String vin() {
        return vin;
    }

    /** Opens the first connection. */
    void start() {
        loop.execute(() -> {
            if (!done && !stopRequested) {
                started = true;
                connect();
            }
        });
    }

    /** Ends the vehicle: waits (up to the drain timeout) for its last PUBACKs, then disconnects. */
    void stop() {
        loop.execute(this::stopNow);
    }

    /** Drops the connection as if the car changed cells, and reconnects at once. */
    void cellChange() {
        loop.execute(this::cellChangeNow);
    }

    /** Whether the vehicle ever had an established connection (read after the run). */
    boolean everConnected() {
        return everConnected;
    }

    private void connect() {
        Connection c = new Connection();
        connection = c;
        run.stats.attempts.increment();
        LoadSettings s = run.settings;
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(run.channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, s.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        transport.initPipeline(ch.pipeline());
                        ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(s.maxMessageBytes()));
                        ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                        if (s.keepAliveSeconds() > 0) {
                            ch.pipeline().addLast("keepalive", new IdleStateHandler(0, s.keepAliveSeconds(), 0));
                        }
                        ch.pipeline().addLast("vehicle", c);
                    }
                });
        SocketAddress local = run.nextLocalAddress();
        ChannelFuture future = local == null ? bootstrap.connect(run.remote) : bootstrap.connect(run.remote, local);
        c.channel = future.channel();
        future.addListener((ChannelFuture f) -> c.tcpDone(f));
    }

    private void established(Connection c) {
        if (!everConnected) {
            everConnected = true;
            run.stats.initialEstablished.increment();
            run.stats.lastInitialConnectNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
        if (stopRequested || finishing || allPublished()) {
            finishNow();
            return;
        }
        if (publishIntervalNanos > 0) {
            long first = ThreadLocalRandom.current().nextLong(publishIntervalNanos);
            c.ticker = loop.scheduleAtFixedRate(() -> tick(c), first, publishIntervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private boolean allPublished() {
        long limit = run.settings.messagesPerVehicle();
        return limit > 0 && sequence >= limit;
    }

    private void tick(Connection c) {
        if (c != connection || c.stage != Stage.ESTABLISHED) {
            return;
        }
        long now = System.nanoTime();
        if (!inflight.isEmpty() && now - inflight.oldestNanos() > run.settings.pubackTimeout().toNanos()) {
            c.end("puback timeout");
            return;
        }
        if (finishing || stopRequested || reconnectPending || allPublished()) {
            return;
        }
        if ((qos1 && inflight.isFull()) || !c.channel.isWritable()) {
            run.stats.throttled.increment();
            return;
        }
        publish(c, now);
    }

    private void publish(Connection c, long now) {
        long seq = ++sequence;
        int id = 0;
        if (qos1) {
            id = nextPacketId();
            inflight.add(id, now);
        }
        // Built directly: MqttMessageBuilders.publish() copies the payload into a new buffer and leaks ours.
        MqttPublishMessage message = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, run.settings.qos(), false, 0),
                new MqttPublishVariableHeader(topic, id), run.payload(c.channel.alloc(), vin, seq));
        int sentId = id;
        c.channel.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                run.stats.publishedAt(now);
                if (!qos1 && allPublished() && c == connection) {
                    finishNow();
                }
            } else if (qos1 && c == connection) {
                inflight.remove(sentId);
            }
        });
    }

    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId == 65_535 ? 1 : lastPacketId + 1;
        } while (inflight.contains(lastPacketId));
        return lastPacketId;
    }

    private void pubAck(Connection c, int packetId, int reasonCode) {
        if (c != connection) {
            return;
        }
        long sent = inflight.remove(packetId);
        if (sent < 0) {
            run.stats.error("puback for a packet not in flight");
            return;
        }
        if (reasonCode >= 0x80) {
            run.stats.error("puback reason code " + reasonCode);
        } else {
            run.stats.acked.increment();
            run.stats.puback.record(sent, System.nanoTime());
        }
        if (inflight.isEmpty()) {
            if (reconnectPending) {
                doCellChange(c);
            } else if (finishing || allPublished()) {
                finishNow();
            }
        }
    }

    private void cellChangeNow() {
        Connection c = connection;
        if (c == null || c.stage != Stage.ESTABLISHED || finishing || stopRequested || reconnectPending || done) {
            return;
        }
        reconnectPending = true;
        if (inflight.isEmpty()) {
            doCellChange(c);
        }
    }

    private void doCellChange(Connection c) {
        reconnectPending = false;
        run.stats.reconnects.increment();
        c.cellChange = true;
        c.end(null);
    }

    private void stopNow() {
        if (done) {
            return;
        }
        stopRequested = true;
        if (!started) {
            markDone();
            return;
        }
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
            markDone();
            return;
        }
        finishNow();
    }

    private void finishNow() {
        finishing = true;
        Connection c = connection;
        if (c == null) {
            if (retryTimer == null) {
                markDone();
            }
            return;
        }
        if (c.stage != Stage.ESTABLISHED) {
            c.end(null);
            return;
        }
        if (!inflight.isEmpty()) {
            if (c.drainTimer == null) {
                c.drainTimer = loop.schedule(() -> disconnect(c), run.settings.drainTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            return;
        }
        disconnect(c);
    }

    private void disconnect(Connection c) {
        if (c.stage != Stage.ESTABLISHED || c.disconnecting) {
            return;
        }
        c.disconnecting = true;
        c.channel.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
    }

    private void connectionEnded(Connection c, String cause) {
        if (c != connection) {
            return;
        }
        connection = null;
        if (!inflight.isEmpty()) {
            run.stats.unacked.add(inflight.size());
            inflight.clear();
        }
        reconnectPending = false;
        if (c.cellChange && !stopRequested && !finishing) {
            connect();
            return;
        }
        if (stopRequested || finishing || cause == null) {
            markDone();
            return;
        }
        if (retriesLeft > 0) {
            retriesLeft--;
            run.stats.retries.increment();
            retryTimer = loop.schedule(() -> {
                retryTimer = null;
                if (stopRequested) {
                    markDone();
                } else {
                    connect();
                }
            }, run.settings.retryDelay().toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        markDone();
    }

    private void markDone() {
        if (!done) {
            done = true;
            if (!everConnected) {
                run.stats.doneWithoutConnection.increment();
            }
            run.done(this);
        }
    }

    /** One connection attempt, and the last handler of its pipeline. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        final long startNanos = System.nanoTime();
        long tcpNanos;
        long connectSentNanos;
        Channel channel;
        Stage stage = Stage.TCP;
        boolean cellChange;
        boolean disconnecting;
        ScheduledFuture<?> connackTimer;
        ScheduledFuture<?> ticker;
        ScheduledFuture<?> drainTimer;

        void tcpDone(ChannelFuture f) {
            if (stage == Stage.ENDED) {
                return;
            }
            if (!f.isSuccess()) {
                end(FailureCauses.ofConnect(f.cause()));
                return;
            }
            tcpNanos = System.nanoTime();
            run.stats.tcpConnect.record(startNanos, tcpNanos);
            if (transport.secure()) {
                stage = Stage.HANDSHAKE;
            } else {
                sendConnect();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                if (stage == Stage.ENDED) {
                    return;
                }
                if (!handshake.isSuccess()) {
                    end(FailureCauses.ofHandshake(handshake.cause()));
                    return;
                }
                run.stats.handshake.record(tcpNanos == 0 ? startNanos : tcpNanos, System.nanoTime());
                if (transport.resumed(ctx.channel())) {
                    run.stats.resumedHandshakes.increment();
                } else {
                    run.stats.fullHandshakes.increment();
                }
                sendConnect();
            } else if (evt instanceof IdleStateEvent) {
                if (stage == Stage.ESTABLISHED) {
                    ctx.writeAndFlush(MqttMessage.PINGREQ);
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        private void sendConnect() {
            stage = Stage.CONNACK;
            connectSentNanos = System.nanoTime();
            LoadSettings s = run.settings;
            MqttMessage connect = MqttMessageBuilders.connect()
                    .protocolVersion(s.mqttVersion())
                    .clientId(vin)
                    .hasUser(true)
                    .username(vin)
                    .cleanSession(true)
                    .keepAlive(s.keepAliveSeconds())
                    .build();
            channel.writeAndFlush(connect).addListener(f -> {
                if (!f.isSuccess()) {
                    end(FailureCauses.ofConnection(f.cause()));
                }
            });
            connackTimer = loop.schedule(() -> end("connack timeout"), s.connackTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof MqttMessage message) || stage == Stage.ENDED) {
                    return;
                }
                if (message.decoderResult().isFailure()) {
                    end("mqtt malformed packet from server");
                    return;
                }
                switch (message.fixedHeader().messageType()) {
                    case CONNACK -> connAck((MqttConnAckMessage) message);
                    case PUBACK -> {
                        Object header = message.variableHeader();
                        int reason = header instanceof MqttPubReplyMessageVariableHeader reply
                                ? reply.reasonCode() & 0xff : 0;
                        pubAck(this, ((MqttMessageIdVariableHeader) header).messageId(), reason);
                    }
                    case DISCONNECT -> {
                        Object header = message.variableHeader();
                        int reason = header instanceof MqttReasonCodeAndPropertiesVariableHeader h
                                ? h.reasonCode() & 0xff : 0;
                        end("server disconnect, reason code " + reason);
                    }
                    default -> {
                        // PINGRESP; a PUBLISH can't come (nothing subscribed) and is dropped.
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void connAck(MqttConnAckMessage ack) {
            if (stage != Stage.CONNACK) {
                end("mqtt unexpected connack");
                return;
            }
            connackTimer.cancel(false);
            MqttConnectReturnCode code = ack.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                end("connack code " + (code.byteValue() & 0xff) + " (" + connackName(code) + ")");
                return;
            }
            run.stats.connack.record(connectSentNanos, System.nanoTime());
            stage = Stage.ESTABLISHED;
            run.stats.established.increment();
            run.stats.opened();
            established(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (stage == Stage.ENDED) {
                return;
            }
            boolean handshaking = stage == Stage.HANDSHAKE || (stage == Stage.TCP && transport.secure());
            end(handshaking ? FailureCauses.ofHandshake(cause) : FailureCauses.ofConnection(cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (stage == Stage.ENDED) {
                return;
            }
            if (disconnecting) {
                end(null);
                return;
            }
            end(switch (stage) {
                case TCP -> "tcp closed";
                case HANDSHAKE -> "handshake closed by peer";
                case CONNACK -> "closed by server before connack";
                default -> "closed by server";
            });
        }

        /** Ends this attempt once; a null cause is a deliberate end (stop, cell change, DISCONNECT). */
        void end(String cause) {
            if (stage == Stage.ENDED) {
                return;
            }
            Stage was = stage;
            stage = Stage.ENDED;
            cancel(connackTimer);
            cancel(ticker);
            cancel(drainTimer);
            if (was == Stage.ESTABLISHED) {
                run.stats.closed();
            } else if (cause != null) {
                run.stats.failedAttempts.increment();
            } else {
                run.stats.abortedAttempts.increment();
            }
            if (cause != null) {
                run.stats.error(cause);
            }
            if (channel != null) {
                channel.close();
            }
            connectionEnded(this, cause);
        }

        private void cancel(ScheduledFuture<?> timer) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private static String connackName(MqttConnectReturnCode code) {
        String name = code.name();
        return name.startsWith("CONNECTION_REFUSED_") ? name.substring("CONNECTION_REFUSED_".length())
                .replaceAll("_5$", "").toLowerCase(java.util.Locale.ROOT).replace('_', ' ') : name;
    }
}
