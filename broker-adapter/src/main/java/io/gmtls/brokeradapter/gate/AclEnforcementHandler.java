package io.gmtls.brokeradapter.gate;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.brokeradapter.acl.Acl;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Enforces the client's ACL on what it sends, between the client's MQTT decoder and the relay to
 * the broker. Refusals:
 * <ul>
 *   <li>PUBLISH to a forbidden topic is not forwarded. MQTT 5: QoS 0 is dropped, QoS 1 answered
 *       PUBACK 0x87, QoS 2 answered PUBREC 0x87 (which ends the exchange). MQTT 3.1.1 has no
 *       negative acknowledgement, and acknowledging a message that was dropped would lie to the
 *       vehicle, so the connection is closed (the 3.1.1 specification allows exactly these two,
 *       §3.3.5).</li>
 *   <li>SUBSCRIBE with any forbidden filter is not forwarded; the gate answers SUBACK with 0x80
 *       (3.1.1) or 0x87 (MQTT 5) for every filter. Splitting one SUBSCRIBE would mean rewriting
 *       the broker's SUBACK; vehicles subscribe one filter at a time in practice.</li>
 * </ul>
 * MQTT 5 topic aliases are followed, so an alias cannot smuggle a forbidden topic. A second
 * CONNECT or an undecodable packet closes the connection. The gate's own answers wait until the
 * broker's CONNACK has gone to the client ({@link BrokerConnAckWatch}).
 */
final class AclEnforcementHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AclEnforcementHandler.class);
    private static final byte NOT_AUTHORIZED = MqttReasonCodes.PubAck.NOT_AUTHORIZED.byteValue();
    private static final int MAX_HELD_ANSWERS = 64;

    private final Acl acl;
    private final MqttVersion version;
    private final GateMetrics metrics;
    private final long connectionId;
    private final Map<Integer, String> topicAliases = new HashMap<>();
    private final ArrayDeque<MqttMessage> heldAnswers = new ArrayDeque<>();
    private ChannelHandlerContext context;
    private boolean connAckRelayed;

    AclEnforcementHandler(Acl acl, MqttVersion version, GateMetrics metrics, long connectionId) {
        this.acl = acl;
        this.version = version;
        this.metrics = metrics;
        this.connectionId = connectionId;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** The broker's CONNACK has reached the client: answers held until now may follow it. */
    void brokerConnAckRelayed() {
        connAckRelayed = true;
        MqttMessage answer;
        boolean any = false;
        while ((answer = heldAnswers.poll()) != null) {
            context.write(answer).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            any = true;
        }
        if (any) {
            context.flush();
        }
    }

    /** Sends the gate's own answer to the client, after the broker's CONNACK. */
    private void answer(ChannelHandlerContext ctx, MqttMessage answer) {
        if (connAckRelayed) {
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else if (heldAnswers.size() < MAX_HELD_ANSWERS) {
            heldAnswers.add(answer);
        } else {
            LOG.debug("conn={} closing: too many refused packets before the broker's CONNACK", connectionId);
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            LOG.debug("conn={} closing: undecodable packet from client ({})", connectionId,
                    message.decoderResult().cause().getClass().getSimpleName());
            ctx.close();
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        switch (type) {
            case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case CONNECT -> {
                ReferenceCountUtil.release(msg);
                LOG.debug("conn={} closing: second CONNECT", connectionId);
                ctx.close();
            }
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        if (version == MqttVersion.MQTT_5) {
            MqttProperties.MqttProperty<?> aliasProperty =
                    publish.variableHeader().properties().getProperty(MqttProperties.TOPIC_ALIAS);
            if (aliasProperty != null && aliasProperty.value() instanceof Integer alias) {
                if (topic == null || topic.isEmpty()) {
                    topic = topicAliases.get(alias);
                    if (topic == null) {
                        publish.release();
                        LOG.debug("conn={} closing: unknown topic alias", connectionId);
                        ctx.close();
                        return;
                    }
                } else {
                    topicAliases.put(alias, topic);
                }
            }
        }
        int qos = publish.fixedHeader().qosLevel().value();
        if (topic != null && !topic.isEmpty() && acl.permitsPublish(topic, qos, publish.fixedHeader().isRetain())) {
            ctx.fireChannelRead(publish);
            return;
        }
        int packetId = publish.variableHeader().packetId();
        publish.release();
        metrics.aclDenied("publish");
        LOG.info("conn={} acl=deny action=publish topic=\"{}\" qos={}", connectionId, LogText.safe(topic), qos);
        if (version != MqttVersion.MQTT_5) {
            ctx.close();
            return;
        }
        if (qos == 1) {
            answer(ctx, MqttMessageBuilders.pubAck().packetId(packetId).reasonCode(NOT_AUTHORIZED).build());
        } else if (qos == 2) {
            MqttMessage pubrec = new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttPubReplyMessageVariableHeader(packetId, NOT_AUTHORIZED, MqttProperties.NO_PROPERTIES));
            answer(ctx, pubrec);
        }
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        List<MqttTopicSubscription> subscriptions = subscribe.payload().topicSubscriptions();
        boolean allowed = !subscriptions.isEmpty();
        for (MqttTopicSubscription s : subscriptions) {
            if (!acl.permitsSubscribe(s.topicFilter(), s.qualityOfService().value())) {
                allowed = false;
                LOG.info("conn={} acl=deny action=subscribe filter=\"{}\"", connectionId, LogText.safe(s.topicFilter()));
            }
        }
        if (allowed) {
            ctx.fireChannelRead(subscribe);
            return;
        }
        metrics.aclDenied("subscribe");
        int failure = version == MqttVersion.MQTT_5 ? MqttReasonCodes.SubAck.NOT_AUTHORIZED.byteValue() & 0xFF
                : MqttQoS.FAILURE.value();
        int[] codes = new int[Math.max(1, subscriptions.size())];
        Arrays.fill(codes, failure);
        MqttSubAckMessage subAck = new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(subscribe.idAndPropertiesVariableHeader().messageId(),
                        MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
        answer(ctx, subAck);
    }
}
