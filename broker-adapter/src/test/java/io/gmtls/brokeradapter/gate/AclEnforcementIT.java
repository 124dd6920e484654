package io.gmtls.brokeradapter.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gmtls.brokeradapter.testing.FakeCa;
import io.gmtls.brokeradapter.testing.FakeCa.Answer;
import io.gmtls.brokeradapter.testing.GateFixture;
import io.gmtls.brokeradapter.testing.LogCapture;
import io.gmtls.brokeradapter.testing.Ppv2;
import io.gmtls.brokeradapter.testing.TestMqttClient;
import io.gmtls.testsupport.Mosquitto;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * ACL enforcement by the gate, with the real Mosquitto behind it (Mosquitto itself allows
 * everything here, so every refusal seen is the gate's).
 */
class AclEnforcementIT {

    private static final String VIN = "LGMDEV00000000001";
    private static final long WAIT = 5;
    private static final String OWN_TOPICS_ACL = """
            {"result":"allow","is_superuser":false,"acl":[
              {"permission":"allow","action":"all","topic":"vehicle/%s/#"},
              {"permission":"deny","action":"all","topic":"#"}]}""".formatted(VIN);

    private static FakeCa ca;
    private static InetSocketAddress mosquitto;
    private AuthGateServer gate;
    private LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        ca = FakeCa.start(body -> Answer.json(OWN_TOPICS_ACL));
        mosquitto = Mosquitto.shared();
    }

    @AfterAll
    static void stop() {
        ca.close();
    }

    @BeforeEach
    void startGate() throws Exception {
        ca.policy(body -> Answer.json(OWN_TOPICS_ACL));
        logs = new LogCapture();
        gate = new GateFixture().broker(mosquitto).ca(ca.authnUrl()).policy(false, true, false, false).start();
    }

    @AfterEach
    void stopGate() {
        gate.close();
        assertThat(logs.escapes()).as("exceptions that escaped a handler").isEmpty();
        logs.close();
    }

    private TestMqttClient vehicle(MqttVersion version) throws InterruptedException {
        return vehicle(version, TestMqttClient.connectMessage(version, VIN, null, null));
    }

    private TestMqttClient vehicle(MqttVersion version, MqttConnectMessage connect) throws InterruptedException {
        TestMqttClient client = TestMqttClient.connect(gate.boundAddress());
        client.write(Ppv2.verified(VIN)).write(connect).flush();
        return client;
    }

    private static TestMqttClient directSubscriber(String... filters) throws InterruptedException {
        TestMqttClient sub = TestMqttClient.connect(mosquitto);
        sub.write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, "acl-it-" + UUID.randomUUID(), null, null));
        int id = 1;
        for (String f : filters) {
            sub.write(TestMqttClient.subscribe(f, MqttQoS.AT_LEAST_ONCE, id++));
        }
        sub.flush();
        sub.awaitConnAck(WAIT);
        for (int i = 0; i < filters.length; i++) {
            sub.await(MqttMessageType.SUBACK, WAIT);
        }
        return sub;
    }

    /** Polls {@code value} until it equals {@code expected} or 5 s pass; returns the last value. */
    private static double eventually(java.util.function.DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(WAIT).toNanos();
        double v = value.getAsDouble();
        while (v != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.getAsDouble();
        }
        return v;
    }

    private static int reason(MqttMessage ack) {
        return ((MqttPubReplyMessageVariableHeader) ack.variableHeader()).reasonCode() & 0xFF;
    }

    private static String payload(MqttMessage m) {
        return ((MqttPublishMessage) m).payload().toString(StandardCharsets.UTF_8);
    }

    private static MqttPublishMessage publishWithAlias(String topic, int alias, int packetId, String payload) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(packetId)
                .retained(false).properties(properties)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
    }

    @Test
    void mqtt5ForbiddenPublishesGetNegativeAcksAndNeverReachTheBroker() throws Exception {
        String run = UUID.randomUUID().toString();
        String own = "vehicle/" + VIN + "/acl-" + run;
        String foreign = "vehicle/LGMDEV00000000002/acl-" + run;
        try (TestMqttClient watcher = directSubscriber(own, foreign);
             TestMqttClient vehicle = vehicle(MqttVersion.MQTT_5)) {
            assertThat(vehicle.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            vehicle.write(TestMqttClient.publish(foreign, MqttQoS.AT_MOST_ONCE, 0, "forbidden qos0"))
                    .write(TestMqttClient.publish(foreign, MqttQoS.AT_LEAST_ONCE, 11, "forbidden qos1"))
                    .write(TestMqttClient.publish(foreign, MqttQoS.EXACTLY_ONCE, 12, "forbidden qos2"))
                    // An alias set by a refused publish cannot carry a later one past the gate.
                    .write(publishWithAlias(foreign, 1, 13, "forbidden via topic"))
                    .write(publishWithAlias("", 1, 14, "forbidden via alias"))
                    .write(TestMqttClient.publish(own, MqttQoS.AT_LEAST_ONCE, 15, "own topic"))
                    .flush();
            MqttMessage puback11 = vehicle.await(MqttMessageType.PUBACK, WAIT);
            assertThat(puback11.variableHeader()).extracting("messageId").isEqualTo(11);
            assertThat(reason(puback11)).isEqualTo(0x87);
            MqttMessage pubrec12 = vehicle.await(MqttMessageType.PUBREC, WAIT);
            assertThat(reason(pubrec12)).isEqualTo(0x87);
            assertThat(reason(vehicle.await(MqttMessageType.PUBACK, WAIT))).isEqualTo(0x87);
            assertThat(reason(vehicle.await(MqttMessageType.PUBACK, WAIT))).isEqualTo(0x87);
            MqttMessage puback15 = vehicle.await(MqttMessageType.PUBACK, WAIT);
            assertThat(puback15.variableHeader()).extracting("messageId").isEqualTo(15);
            assertThat(reason(puback15)).isZero();
            // The watcher sees only the permitted message: the refused ones were sent before it.
            MqttMessage delivered = watcher.await(MqttMessageType.PUBLISH, WAIT);
            assertThat(payload(delivered)).isEqualTo("own topic");
            assertThat(watcher.pending()).isZero();
        }
        assertThat(eventually(() -> gate.metrics().count("gate.acl.denied", "action", "publish"), 5)).isEqualTo(5);
    }

    @Test
    void permittedAliasIsFollowed() throws Exception {
        String own = "vehicle/" + VIN + "/alias-" + UUID.randomUUID();
        try (TestMqttClient watcher = directSubscriber(own);
             TestMqttClient vehicle = vehicle(MqttVersion.MQTT_5)) {
            vehicle.awaitConnAck(WAIT);
            vehicle.write(publishWithAlias(own, 2, 21, "first")).write(publishWithAlias("", 2, 22, "second")).flush();
            assertThat(reason(vehicle.await(MqttMessageType.PUBACK, WAIT))).isZero();
            assertThat(reason(vehicle.await(MqttMessageType.PUBACK, WAIT))).isZero();
            assertThat(payload(watcher.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("first");
            assertThat(payload(watcher.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("second");
        }
    }

    @Test
    void forbiddenSubscriptionIsRefusedByTheGatePermittedOneByTheBroker() throws Exception {
        try (TestMqttClient v5 = vehicle(MqttVersion.MQTT_5);
             TestMqttClient v3 = TestMqttClient.connect(gate.boundAddress())) {
            v5.awaitConnAck(WAIT);
            v5.write(TestMqttClient.subscribe("vehicle/+/status", MqttQoS.AT_LEAST_ONCE, 31))
                    .write(TestMqttClient.subscribe("vehicle/" + VIN + "/cmd/#", MqttQoS.AT_LEAST_ONCE, 32))
                    .write(TestMqttClient.subscribe("$share/g/vehicle/" + VIN + "/cmd", MqttQoS.AT_LEAST_ONCE, 33))
                    .flush();
            MqttSubAckMessage refused = (MqttSubAckMessage) v5.await(MqttMessageType.SUBACK, WAIT);
            assertThat(refused.idAndPropertiesVariableHeader().messageId()).isEqualTo(31);
            assertThat(refused.payload().reasonCodes()).containsExactly(0x87);
            MqttSubAckMessage granted = (MqttSubAckMessage) v5.await(MqttMessageType.SUBACK, WAIT);
            assertThat(granted.idAndPropertiesVariableHeader().messageId()).isEqualTo(32);
            assertThat(granted.payload().reasonCodes()).containsExactly(1);
            MqttSubAckMessage shared = (MqttSubAckMessage) v5.await(MqttMessageType.SUBACK, WAIT);
            assertThat(shared.payload().reasonCodes()).containsExactly(1);

            // SUBSCRIBE pipelined with CONNECT: the gate's refusal must come after the broker's CONNACK.
            v3.write(Ppv2.verified(VIN)).write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, VIN + "-b", null, null))
                    .write(TestMqttClient.subscribe("#", MqttQoS.AT_MOST_ONCE, 41)).flush();
            MqttMessage first = v3.poll(WAIT);
            assertThat(first).isInstanceOf(MqttConnAckMessage.class);
            assertThat(((MqttConnAckMessage) first).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            MqttMessage second = v3.poll(WAIT);
            assertThat(second).isInstanceOf(MqttSubAckMessage.class);
            assertThat(((MqttSubAckMessage) second).payload().reasonCodes()).containsExactly(0x80);
        }
        assertThat(eventually(() -> gate.metrics().count("gate.acl.denied", "action", "subscribe"), 2)).isEqualTo(2);
    }

    @Test
    void mqtt311ForbiddenPublishClosesTheConnection() throws Exception {
        try (TestMqttClient vehicle = vehicle(MqttVersion.MQTT_3_1_1)) {
            assertThat(vehicle.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            vehicle.write(TestMqttClient.publish("vehicle/LGMDEV00000000002/x", MqttQoS.AT_LEAST_ONCE, 5, "no")).flush();
            assertThat(vehicle.awaitClosed(WAIT)).isTrue();
            assertThat(vehicle.poll(0)).isNull();
        }
    }

    @Test
    void forbiddenWillRefusesTheConnect() throws Exception {
        MqttConnectMessage withWill = MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(VIN)
                .cleanSession(true).keepAlive(30).willFlag(true).willQoS(MqttQoS.AT_LEAST_ONCE)
                .willTopic("fleet/all/alarm").willMessage("gone".getBytes(StandardCharsets.UTF_8)).build();
        try (TestMqttClient vehicle = vehicle(MqttVersion.MQTT_5, withWill)) {
            MqttConnAckMessage ack = vehicle.awaitConnAck(WAIT);
            assertThat(ack.variableHeader().connectReturnCode().byteValue() & 0xFF).isEqualTo(0x87);
            assertThat(vehicle.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void withoutAnAclEverythingIsRefusedAndASuperuserIsNotChecked() throws Exception {
        ca.policy(body -> Answer.allow());
        try (TestMqttClient vehicle = vehicle(MqttVersion.MQTT_5)) {
            vehicle.awaitConnAck(WAIT);
            vehicle.write(TestMqttClient.subscribe("vehicle/" + VIN + "/cmd", MqttQoS.AT_LEAST_ONCE, 51)).flush();
            assertThat(((MqttSubAckMessage) vehicle.await(MqttMessageType.SUBACK, WAIT)).payload().reasonCodes())
                    .containsExactly(0x87);
        }
        ca.policy(body -> Answer.json("{\"result\":\"allow\",\"is_superuser\":true,\"acl\":[]}"));
        try (TestMqttClient vehicle = vehicle(MqttVersion.MQTT_5)) {
            vehicle.awaitConnAck(WAIT);
            vehicle.write(TestMqttClient.publish("fleet/" + UUID.randomUUID(), MqttQoS.AT_LEAST_ONCE, 52, "su")).flush();
            // Mosquitto's own answer: success, "no matching subscribers" (0x10).
            assertThat(reason(vehicle.await(MqttMessageType.PUBACK, WAIT))).isLessThan(0x80);
        }
    }

    @Test
    void malformedAclFromTheCaDeniesTheClient() throws Exception {
        ca.policy(body -> Answer.json("{\"result\":\"allow\",\"acl\":[{\"permission\":\"maybe\",\"action\":\"all\",\"topic\":\"#\"}]}"));
        try (TestMqttClient vehicle = vehicle(MqttVersion.MQTT_3_1_1)) {
            assertThat(vehicle.awaitConnAck(WAIT).variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 5);
        }
    }
}
