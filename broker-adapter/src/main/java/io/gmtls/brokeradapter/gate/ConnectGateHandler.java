package io.gmtls.brokeradapter.gate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.brokeradapter.acl.Acl;
import io.gmtls.brokeradapter.authn.AuthnDecision;
import io.gmtls.brokeradapter.authn.AuthnRequest;
import io.gmtls.brokeradapter.config.GatePolicy;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.DecodeResult;
import io.gmtls.proxyprotocol.RejectReason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The gate itself, one per client connection: waits for the PPv2 facts and the CONNECT, decides
 * (gate rules, then the CA), and either refuses with a CONNACK or connects to the broker, forwards
 * the CONNECT and rewires the pipeline into a relay.
 *
 * <p>Gate rules, checked before the CA is asked (fail closed; configuration can only add to them):
 * the PPv2 header says a client certificate was presented and verified (verify = 0) and carries its
 * CN; with {@code require-certificate-serial} it also carries the serial; with
 * {@code require-clientid-equals-cn} the client id is the CN; the password, if any, is UTF-8 (EMQX
 * cannot render anything else either).
 *
 * <p>Pipeline during the handshake (see {@link GateChannelInitializer}):
 * {@code proxy-header → limit → hold → mqtt-decoder(single packet) → mqtt-encoder → gate}; after an
 * allow: {@code … → [mqtt-decoder → mqtt-encoder → acl] → relay}, bracketed part only when the ACL
 * is enforced.
 */
final class ConnectGateHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "gate";
    static final String HOLD = "hold";
    static final String DECODER = "mqtt-decoder";
    static final String ENCODER = "mqtt-encoder";
    static final String ACL = "acl";
    static final String RELAY = "relay";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectGateHandler.class);

    private enum State { AWAIT_HEADER, AWAIT_CONNECT, AUTHENTICATING, CONNECTING_BROKER, RELAYING, DONE }

    private final GateServices services;
    private final ConnectionRecord record;
    private State state = State.AWAIT_HEADER;
    private ConnectionFacts facts;
    private MqttVersion version;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> expiryTimer;
    private Channel broker;

    ConnectGateHandler(GateServices services, ConnectionRecord record) {
        this.services = services;
        this.record = record;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long nanos = services.config().limits().handshakeTimeout().toNanos();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state == State.AWAIT_HEADER || state == State.AWAIT_CONNECT) {
                refuseSilently(ctx, "handshake_timeout", "no PPv2 header and CONNECT within "
                        + services.config().limits().handshakeTimeout().toMillis() + " ms");
            }
        }, nanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof DecodeResult.Decoded decoded && state == State.AWAIT_HEADER) {
            facts = decoded.facts();
            record.facts(facts);
            state = State.AWAIT_CONNECT;
        } else if (evt instanceof DecodeResult.Rejected rejected && state != State.DONE) {
            // ProxyHeaderHandler closes the channel itself.
            state = State.DONE;
            if (rejected.reason() == RejectReason.PEER_NOT_ALLOWED) {
                services.metrics().refused("not_gateway");
                record.suppress();
                services.notGatewayLog().refused(record.id(), ctx.channel().remoteAddress());
            } else {
                services.metrics().refused("ppv2_" + rejected.reason().name().toLowerCase(Locale.ROOT));
                record.decided("refused", rejected.toString());
            }
        } else if (evt instanceof ChannelInputShutdownEvent
                && (state == State.AWAIT_HEADER || state == State.AWAIT_CONNECT)) {
            if (isProbe()) {
                probe(ctx, "peer closed before sending anything");
            } else {
                refuseSilently(ctx, "closed", "client closed before CONNECT");
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state != State.AWAIT_CONNECT) {
            // Packets decoded while the channel closes (decodeLast); nothing to do with them.
            ReferenceCountUtil.release(msg);
            if (state == State.AWAIT_HEADER) {
                refuseSilently(ctx, "malformed", "data before the PPv2 header");
            }
            return;
        }
        try {
            if (!(msg instanceof MqttMessage message)) {
                refuseSilently(ctx, "malformed", "not MQTT");
            } else if (message.decoderResult().isFailure()) {
                Throwable cause = message.decoderResult().cause();
                if (cause instanceof TooLongFrameException) {
                    refuseSilently(ctx, "oversize", "CONNECT larger than "
                            + services.config().limits().maxConnectBytes() + " bytes");
                } else {
                    refuseSilently(ctx, "malformed", "undecodable first packet (" + cause.getClass().getSimpleName() + ")");
                }
            } else if (!(message instanceof MqttConnectMessage connect)) {
                refuseSilently(ctx, "malformed", "first packet is " + message.fixedHeader().messageType() + ", not CONNECT");
            } else {
                onConnect(ctx, connect);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        cancel(handshakeTimer);
        ctx.channel().config().setAutoRead(false);
        ((InputHold) ctx.pipeline().get(HOLD)).hold();
        MqttConnectVariableHeader header = connect.variableHeader();
        version = MqttVersion.fromProtocolNameAndLevel(header.name(), (byte) header.version());
        MqttConnectPayload payload = connect.payload();
        record.connect(payload.clientIdentifier(), version == MqttVersion.MQTT_5 ? "5" : version == MqttVersion.MQTT_3_1_1 ? "3.1.1" : "3.1");

        if (version != MqttVersion.MQTT_5 && header.hasPassword() && !header.hasUserName()) {
            // MQTT 3.1.1 §3.1.2.9: a password without a username is a malformed CONNECT.
            refuseSilently(ctx, "malformed", "CONNECT has a password but no username");
            return;
        }
        Optional<String> gateRefusal = gateRules(connect);
        if (gateRefusal.isPresent()) {
            refuse(ctx, Refusal.NOT_AUTHORIZED, "deny", gateRefusal.get());
            return;
        }
        String password = header.hasPassword() ? utf8(payload.passwordInBytes()) : "";
        AuthnRequest request = new AuthnRequest(
                payload.clientIdentifier(),
                header.hasUserName() && payload.userName() != null ? payload.userName() : "",
                password,
                NetUtil.toAddressString(facts.source().getAddress()),
                facts.commonName().orElseThrow(),
                "",
                facts.certificateSerial(),
                facts.uniqueId().map(ConnectionId::asText));
        state = State.AUTHENTICATING;
        long started = System.nanoTime();
        services.authenticator().authenticate(request).whenComplete((decision, error) -> {
            AuthnDecision d = error != null || decision == null
                    ? new AuthnDecision.Unavailable("CA request failed", false) : decision;
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            ctx.executor().execute(() -> onDecision(ctx, connect, d, took));
        });
    }

    /** The rules the gate applies on its own; a reason when they refuse. */
    private Optional<String> gateRules(MqttConnectMessage connect) {
        if (!facts.clientCertificateVerified()) {
            return Optional.of("client certificate not verified by the gateway (PPv2 verify="
                    + facts.tls().map(t -> Integer.toUnsignedString(t.verifyResult())).orElse("absent") + ")");
        }
        if (facts.commonName().isEmpty()) {
            return Optional.of("PPv2 header has no certificate CN");
        }
        GatePolicy policy = services.config().policy();
        if (policy.requireCertificateSerial() && facts.certificateSerial().isEmpty()) {
            return Optional.of("PPv2 header has no certificate serial");
        }
        if (policy.requireClientIdEqualsCn() && !facts.commonName().get().equals(connect.payload().clientIdentifier())) {
            return Optional.of("client id is not the certificate CN");
        }
        if (connect.variableHeader().hasPassword() && utf8(connect.payload().passwordInBytes()) == null) {
            return Optional.of("password is not UTF-8");
        }
        return Optional.empty();
    }

    private void onDecision(ChannelHandlerContext ctx, MqttConnectMessage connect, AuthnDecision decision, Duration took) {
        services.metrics().caRequest(took);
        record.caTime(took);
        if (state != State.AUTHENTICATING || !ctx.channel().isActive()) {
            services.metrics().refused("closed");
            record.decided("closed", "client closed while the CA decided (" + decision.reason() + ")");
            return;
        }
        if (decision instanceof AuthnDecision.Allow allow) {
            allow(ctx, connect, allow);
        } else if (decision instanceof AuthnDecision.Unavailable u) {
            refuse(ctx, u.busy() ? Refusal.SERVER_BUSY : Refusal.SERVER_UNAVAILABLE, u.busy() ? "busy" : "unavailable",
                    u.reason());
        } else {
            refuse(ctx, Refusal.NOT_AUTHORIZED, "deny", decision.reason());
        }
    }

    private void allow(ChannelHandlerContext ctx, MqttConnectMessage connect, AuthnDecision.Allow allow) {
        Acl acl = null;
        if (services.config().policy().enforceAcl() && !allow.superuser()) {
            acl = allow.acl().orElse(Acl.DENY_ALL);
            MqttConnectVariableHeader header = connect.variableHeader();
            if (header.isWillFlag() && !acl.permitsPublish(connect.payload().willTopic(), header.willQos(), header.isWillRetain())) {
                services.metrics().aclDenied("will");
                refuse(ctx, Refusal.NOT_AUTHORIZED, "deny", "will topic not permitted by the ACL");
                return;
            }
        }
        if (allow.expireAt().isPresent()) {
            scheduleExpiry(ctx, allow.expireAt().get());
        }
        state = State.CONNECTING_BROKER;
        Acl enforced = acl;
        ChannelFuture connecting = services.brokers().connect(ctx.channel(), enforced != null);
        broker = connecting.channel();
        connecting.addListener((ChannelFutureListener) f -> {
            if (state != State.CONNECTING_BROKER || !ctx.channel().isActive()) {
                f.channel().close();
                services.metrics().refused("closed");
                record.decided("closed", "client closed while the gate connected to the broker");
                return;
            }
            if (!f.isSuccess()) {
                refuse(ctx, Refusal.SERVER_UNAVAILABLE, "unavailable", "broker unreachable ("
                        + f.cause().getClass().getSimpleName() + ")");
                return;
            }
            handOver(ctx, f.channel(), connect, enforced);
        });
    }

    private void handOver(ChannelHandlerContext ctx, Channel brokerChannel, MqttConnectMessage connect, Acl acl) {
        Channel client = ctx.channel();
        MqttConnectMessage forwarded = services.config().policy().usernameFromCn()
                ? withUsername(connect, facts.commonName().orElseThrow()) : connect;
        brokerChannel.writeAndFlush(forwarded).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("conn={} CONNECT could not be written to the broker", record.id(), f.cause());
                client.close();
                brokerChannel.close();
            }
        });
        ChannelPipeline p = client.pipeline();
        if (acl != null) {
            AclEnforcementHandler enforcement = new AclEnforcementHandler(acl, version, services.metrics(), record.id());
            brokerChannel.pipeline().addLast(BrokerConnAckWatch.NAME, new BrokerConnAckWatch(enforcement));
            brokerChannel.pipeline().addLast(RELAY, new RelayHandler(client));
            state = State.RELAYING;
            p.remove(this);
            p.addLast(ACL, enforcement);
            p.addLast(RELAY, new RelayHandler(brokerChannel));
            // Bytes the old decoder had buffered after CONNECT flow into the new one.
            p.replace(DECODER, DECODER, new MqttDecoder(services.config().limits().maxMessageBytes()));
        } else {
            brokerChannel.pipeline().addLast(RELAY, new RelayHandler(client));
            state = State.RELAYING;
            p.remove(this);
            p.addLast(RELAY, new RelayHandler(brokerChannel));
            p.remove(ENCODER);
            // Bytes the decoder had buffered after CONNECT go on, raw, to the relay.
            p.remove(DECODER);
        }
        p.remove(HOLD);
        services.metrics().decision("allow");
        record.decided("allow", "CA allowed" + (acl != null ? ", ACL enforced (" + acl.rules().size() + " rules)" : "")
                + (services.config().policy().usernameFromCn() ? ", username set to CN" : ""));
        client.config().setAutoRead(true);
        brokerChannel.config().setAutoRead(true);
    }

    private static MqttConnectMessage withUsername(MqttConnectMessage connect, String username) {
        MqttConnectVariableHeader h = connect.variableHeader();
        MqttConnectVariableHeader header = new MqttConnectVariableHeader(h.name(), h.version(), true, h.hasPassword(),
                h.isWillRetain(), h.willQos(), h.isWillFlag(), h.isCleanSession(), h.keepAliveTimeSeconds(),
                h.properties());
        MqttConnectPayload p = connect.payload();
        MqttConnectPayload payload = new MqttConnectPayload(p.clientIdentifier(), p.willProperties(), p.willTopic(),
                p.willMessageInBytes(), username, p.passwordInBytes());
        return new MqttConnectMessage(connect.fixedHeader(), header, payload);
    }

    private void scheduleExpiry(ChannelHandlerContext ctx, Instant expireAt) {
        long delay = Math.max(0, Duration.between(services.clock().instant(), expireAt).toMillis());
        expiryTimer = ctx.channel().eventLoop().schedule(() -> {
            LOG.info("conn={} closing: authentication expired (expire_at)", record.id());
            ctx.channel().close();
        }, delay, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> cancel(expiryTimer));
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal, String decision, String reason) {
        state = State.DONE;
        services.metrics().decision(decision);
        record.decided(decision, reason);
        ctx.writeAndFlush(ConnAcks.refusal(version, refusal)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes without a CONNACK: there is no CONNECT to answer, or it could not be read. */
    private void refuseSilently(ChannelHandlerContext ctx, String reasonTag, String reason) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        services.metrics().refused(reasonTag);
        record.decided("refused", reason);
        ctx.close();
    }

    /**
     * True while nothing has been received: a peer that closes (or resets) the connection now is
     * probing the port (the gateway's TCP health check connects and closes), not refused.
     */
    private boolean isProbe() {
        return state == State.AWAIT_HEADER && !record.anyBytesReceived();
    }

    /** Ends a connection its peer closed before sending a byte: counted apart, logged at DEBUG only. */
    private void probe(ChannelHandlerContext ctx, String reason) {
        state = State.DONE;
        cancel(handshakeTimer);
        services.metrics().probe();
        record.probed(reason);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof InputHold.PipelinedTooMuchException) {
            refuseSilently(ctx, "pipelined", cause.getMessage());
        } else if (cause instanceof IOException && isProbe()) {
            // A reset from a peer that sent nothing: health checks close with SO_LINGER 0.
            probe(ctx, "peer reset the connection before sending anything (" + cause.getClass().getSimpleName() + ")");
        } else {
            LOG.debug("conn={} closing on error", record.id(), cause);
            refuseSilently(ctx, "error", "connection error (" + cause.getClass().getSimpleName() + ")");
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel(handshakeTimer);
        if (broker != null && state != State.RELAYING) {
            broker.close();
        }
        if (state != State.RELAYING && state != State.DONE) {
            boolean deciding = state == State.AUTHENTICATING || state == State.CONNECTING_BROKER;
            state = State.DONE;
            if (!deciding) {
                services.metrics().refused("closed");
                record.decided("refused", "client closed before CONNECT");
            }
        }
        ctx.fireChannelInactive();
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The bytes as strict UTF-8 text, {@code null} when they are not. */
    static String utf8(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
