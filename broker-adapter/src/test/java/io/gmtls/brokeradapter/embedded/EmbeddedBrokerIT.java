package io.gmtls.brokeradapter.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.gmtls.brokeradapter.authn.ConcurrencyLimitedAuthenticator;
import io.gmtls.brokeradapter.authn.HttpCaAuthenticator;
import io.gmtls.brokeradapter.config.EmbeddedBrokerSettings;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateConfigLoader;
import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.brokeradapter.gate.GateMetrics;
import io.gmtls.brokeradapter.testing.FakeCa;
import io.gmtls.brokeradapter.testing.FakeCa.Answer;
import io.gmtls.brokeradapter.testing.LogCapture;
import io.gmtls.brokeradapter.testing.Ppv2;
import io.gmtls.brokeradapter.testing.TestMqttClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * The gate with its embedded broker (Moquette on Netty 4.2, started from {@code broker.embedded} in
 * the YAML): allowed vehicles publish through the gate to a subscriber connected straight to the
 * embedded broker (MQTT 3.1.1 and 3.1, QoS 0 and 1; MQTT 5 is refused by Moquette 0.17 itself), a
 * denied one never reaches it, and a busy port fails the start with the address named.
 */
class EmbeddedBrokerIT {

    private static final String VIN = "LGMDEV00000000001";
    private static final String OTHER_VIN = "LGMDEV00000000002";
    private static final long WAIT = 5;

    private static FakeCa ca;
    private static EmbeddedMqttBroker broker;
    private static AuthGateServer gate;
    private LogCapture logs = new LogCapture();

    @BeforeAll
    static void start() throws Exception {
        ca = FakeCa.start(body -> body.get("clientid").asString().equals(body.get("cert_common_name").asString())
                ? Answer.allow() : Answer.deny());
        GateConfig config = GateConfigLoader.parse("gate.yaml", """
                listen: 127.0.0.1:0
                gateways: [127.0.0.1]
                broker:
                  embedded:
                    bind: 127.0.0.1:%d
                    max-message-bytes: 65536
                  connect-timeout: 2s
                ca:
                  authn-url: %s
                """.formatted(freePort(), ca.authnUrl()));
        assertThat(config.embeddedBroker()).isPresent();
        assertThat(config.broker().host()).isEqualTo("127.0.0.1");
        assertThat(config.broker().port()).isEqualTo(config.embeddedBroker().get().bind().getPort());
        broker = EmbeddedMqttBroker.start(config.embeddedBroker().get());
        gate = AuthGateServer.start(config, new ConcurrencyLimitedAuthenticator(new HttpCaAuthenticator(config.ca()),
                config.ca().maxConcurrentRequests()), new GateMetrics(new SimpleMeterRegistry()), 1);
    }

    @AfterAll
    static void stop() {
        if (gate != null) {
            gate.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (ca != null) {
            ca.close();
        }
    }

    @AfterEach
    void noEscapes() {
        assertThat(logs.escapes()).as("exceptions that escaped a handler").isEmpty();
        logs.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A subscriber straight on the broker. It waits for CONNACK before subscribing: Moquette 0.17 drops
     * a client whose next packet arrives before its CONNACK was sent. Even then Moquette marks the
     * connection as connected only once its CONNACK write has completed, so a SUBSCRIBE that beats that
     * callback is dropped ("SUBSCRIBE received on already closed connection", seen on a loaded CI
     * machine): the subscriber is the test's instrument, not what is tested, so it tries again on a new
     * connection (at most three times) instead of failing the test of the gate.
     */
    private static TestMqttClient subscriber(String filter, MqttVersion version) throws InterruptedException {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            TestMqttClient sub = TestMqttClient.connect(broker.address());
            sub.write(TestMqttClient.connectMessage(version, "sub-" + UUID.randomUUID().toString().substring(0, 8), null, null)).flush();
            assertThat(sub.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            sub.write(TestMqttClient.subscribe(filter, MqttQoS.AT_LEAST_ONCE, 1)).flush();
            try {
                assertThat(sub.await(MqttMessageType.SUBACK, WAIT)).isNotNull();
                return sub;
            } catch (AssertionError e) {
                last = e;
                sub.close();
            }
        }
        throw last;
    }

    private static TestMqttClient vehicle(String cn, String clientId, MqttVersion version) throws InterruptedException {
        TestMqttClient client = TestMqttClient.connect(gate.boundAddress());
        client.write(Ppv2.verified(cn)).write(TestMqttClient.connectMessage(version, clientId, null, null)).flush();
        return client;
    }

    private static String payload(Object message) {
        return ((MqttPublishMessage) message).payload().toString(StandardCharsets.UTF_8);
    }

    @Test
    void allowedVehiclesPublishThroughTheGateToTheEmbeddedBroker() throws Exception {
        for (MqttVersion version : new MqttVersion[] {MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_3_1}) {
            String topic = "vehicle/" + VIN + "/it-" + UUID.randomUUID();
            try (TestMqttClient sub = subscriber(topic, version);
                 TestMqttClient car = vehicle(VIN, VIN, version)) {
                assertThat(car.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                        .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
                car.write(TestMqttClient.publish(topic, MqttQoS.AT_LEAST_ONCE, 5, "qos1 " + version)).flush();
                assertThat(car.await(MqttMessageType.PUBACK, WAIT)).as("PUBACK from the broker").isNotNull();
                assertThat(payload(sub.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("qos1 " + version);
                car.write(TestMqttClient.publish(topic, MqttQoS.AT_MOST_ONCE, 0, "qos0 " + version)).flush();
                assertThat(payload(sub.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("qos0 " + version);
            }
        }
    }

    @Test
    void mqtt5IsRefusedByTheBrokerItself() throws Exception {
        // Moquette 0.17 speaks MQTT 3.1 and 3.1.1 only: the gate allows, the broker's refusal is relayed.
        try (TestMqttClient car = vehicle(VIN, VIN, MqttVersion.MQTT_5)) {
            assertThat(car.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            assertThat(car.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void aDeniedVehicleGetsNotAuthorizedAndNeverReachesTheBroker() throws Exception {
        int before = broker.connectedClients();
        try (TestMqttClient car = vehicle(VIN, OTHER_VIN, MqttVersion.MQTT_3_1_1)) {
            MqttConnAckMessage ack = car.awaitConnAck(WAIT);
            assertThat(ack.variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            assertThat(car.awaitClosed(WAIT)).isTrue();
        }
        assertThat(broker.connectedClients()).isEqualTo(before);
    }

    @Test
    void aBusyPortFailsTheStartNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedBrokerSettings settings = new EmbeddedBrokerSettings(
                    new InetSocketAddress("127.0.0.1", taken.getLocalPort()), 65536);
            assertThatThrownBy(() -> EmbeddedMqttBroker.start(settings).close())
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("embedded MQTT broker cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        // Moquette logs the failed bind at ERROR itself: expected here, not an escaped exception.
        assertThat(logs.escapes()).allSatisfy(line -> assertThat(line).contains("Cannot bind to port"));
        logs.close();
        logs = new LogCapture();
    }

    @Test
    void stoppingTheBrokerDropsItsClientsAndReleasesThePort() throws Exception {
        EmbeddedMqttBroker other = EmbeddedMqttBroker.start(
                new EmbeddedBrokerSettings(new InetSocketAddress("127.0.0.1", freePort()), 65536));
        InetSocketAddress address = other.address();
        try (TestMqttClient c = TestMqttClient.connect(address)) {
            c.write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, "it-direct", null, null)).flush();
            assertThat(c.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            other.close();
            assertThat(c.awaitClosed(WAIT)).as("clients are dropped when the broker stops").isTrue();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(WAIT).toNanos();
        boolean free = false;
        while (!free && System.nanoTime() < deadline) {
            try (ServerSocket s = new ServerSocket(address.getPort(), 1, address.getAddress())) {
                free = true;
            } catch (IOException stillBound) {
                Thread.sleep(20);
            }
        }
        assertThat(free).as("the port is released").isTrue();
    }
}
