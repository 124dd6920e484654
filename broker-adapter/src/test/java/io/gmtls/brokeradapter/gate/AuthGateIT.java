package io.gmtls.brokeradapter.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import io.gmtls.brokeradapter.testing.FakeBroker;
import io.gmtls.brokeradapter.testing.FakeCa;
import io.gmtls.brokeradapter.testing.FakeCa.Answer;
import io.gmtls.brokeradapter.testing.GateFixture;
import io.gmtls.brokeradapter.testing.LogCapture;
import io.gmtls.brokeradapter.testing.Ppv2;
import io.gmtls.brokeradapter.testing.TestMqttClient;
import io.gmtls.testsupport.Mosquitto;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * The gate over real sockets: the machine's Mosquitto behind it, an in-test CA answering per the
 * design's authn contract, clients sending real PPv2 headers (encoded by proxy-protocol) and CONNECTs.
 */
class AuthGateIT {

    private static final String VIN = "LGMDEV00000000001";
    private static final String OTHER_VIN = "LGMDEV00000000002";
    private static final long WAIT = 5;

    private static FakeCa ca;
    private static InetSocketAddress mosquitto;
    private AuthGateServer gate;
    private LogCapture logs;

    @BeforeAll
    static void startCa() throws Exception {
        ca = FakeCa.start(body -> Answer.allow());
        mosquitto = Mosquitto.shared();
    }

    @AfterAll
    static void stopCa() {
        ca.close();
    }

    @BeforeEach
    void captureLogs() {
        ca.policy(AuthGateIT::allowOwnVin);
        logs = new LogCapture();
    }

    @AfterEach
    void stopGate() {
        if (gate != null) {
            gate.close();
        }
        assertThat(logs.escapes()).as("exceptions that escaped a handler").isEmpty();
        logs.close();
    }

    /** The CA's rule for the tests: allow when the client id is the certificate CN. */
    private static Answer allowOwnVin(tools.jackson.databind.JsonNode body) {
        return body.get("clientid").asString().equals(body.get("cert_common_name").asString())
                ? Answer.allow() : Answer.deny();
    }

    private AuthGateServer startGate(GateFixture fixture) throws InterruptedException {
        gate = fixture.start();
        return gate;
    }

    private GateFixture toMosquitto() {
        return new GateFixture().broker(mosquitto).ca(ca.authnUrl());
    }

    private static String topic(String vin) {
        return "vehicle/" + vin + "/it-" + UUID.randomUUID();
    }

    private static TestMqttClient subscriber(String filter) throws InterruptedException {
        TestMqttClient sub = TestMqttClient.connect(mosquitto);
        sub.write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, "it-sub-" + UUID.randomUUID(), null, null))
                .write(TestMqttClient.subscribe(filter, MqttQoS.AT_LEAST_ONCE, 1)).flush();
        assertThat(sub.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        sub.await(MqttMessageType.SUBACK, WAIT);
        return sub;
    }

    private TestMqttClient vehicle(byte[] header, MqttVersion version, String clientId) throws InterruptedException {
        TestMqttClient client = TestMqttClient.connect(gate.boundAddress());
        client.write(header).write(TestMqttClient.connectMessage(version, clientId, "tbox", "s3cr3t-pw")).flush();
        return client;
    }

    /** Polls {@code value} until it equals {@code expected} or 5 s pass; returns the last value. */
    private static double eventually(java.util.function.DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(WAIT).toNanos();
        double v = value.getAsDouble();
        while (v != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.getAsDouble();
        }
        return v;
    }

    private static String payload(MqttMessage message) {
        return ((MqttPublishMessage) message).payload().toString(StandardCharsets.UTF_8);
    }

    private static int reasonOf(MqttConnAckMessage ack) {
        return ack.variableHeader().connectReturnCode().byteValue() & 0xFF;
    }

    // ---- allow -------------------------------------------------------------------------------

    @Test
    void allowedMqtt311ClientPublishesToMosquittoThroughTheGate() throws Exception {
        startGate(toMosquitto());
        String topic = topic(VIN);
        int before = ca.requests().size();
        try (TestMqttClient sub = subscriber(topic);
             TestMqttClient vehicle = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_3_1_1, VIN)) {
            assertThat(vehicle.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            vehicle.write(TestMqttClient.publish(topic, MqttQoS.AT_LEAST_ONCE, 7, "hello 3.1.1")).flush();
            assertThat(vehicle.await(MqttMessageType.PUBACK, WAIT)).isNotNull();
            assertThat(payload(sub.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("hello 3.1.1");
        }
        // What the CA was asked: the EMQX template's fields, the vehicle's address from PPv2 (not
        // the address the test connected from), the serial from TLV 0xE0.
        FakeCa.Request request = ca.requests().get(before);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v1/broker/authn");
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(FakeCa.fields(request)).containsExactly(
                Map.entry("clientid", VIN),
                Map.entry("username", "tbox"),
                Map.entry("password", "s3cr3t-pw"),
                Map.entry("peerhost", "10.9.8.7"),
                Map.entry("cert_common_name", VIN),
                Map.entry("cert_subject", ""),
                Map.entry("cert_serial", Ppv2.SERIAL));
        assertThat(logs.connectionLines()).anySatisfy(line -> assertThat(line)
                .contains("decision=allow").contains("client=10.9.8.7:40123").contains("cn=" + VIN)
                .contains("gw_conn=gw1-000042").doesNotContain("s3cr3t-pw"));
    }

    @Test
    void allowedMqtt5ClientPipeliningPublishWithConnectIsRelayed() throws Exception {
        startGate(toMosquitto());
        String topic = topic(VIN);
        try (TestMqttClient sub = subscriber(topic);
             TestMqttClient vehicle = TestMqttClient.connect(gate.boundAddress())) {
            // Header, CONNECT and PUBLISH in one write: the PUBLISH waits in the gate for the decision.
            vehicle.write(Ppv2.verified(VIN))
                    .write(TestMqttClient.connectMessage(MqttVersion.MQTT_5, VIN, null, null))
                    .write(TestMqttClient.publish(topic, MqttQoS.AT_LEAST_ONCE, 3, "pipelined v5"))
                    .flush();
            assertThat(vehicle.awaitConnAck(WAIT).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(vehicle.await(MqttMessageType.PUBACK, WAIT)).isNotNull();
            assertThat(payload(sub.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("pipelined v5");
        }
    }

    @Test
    void pipelinedPublishFollowedByHalfCloseStillReachesTheBroker() throws Exception {
        startGate(toMosquitto());
        String topic = topic(VIN);
        try (TestMqttClient sub = subscriber(topic);
             TestMqttClient vehicle = TestMqttClient.connect(gate.boundAddress())) {
            vehicle.write(Ppv2.verified(VIN))
                    .write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, VIN, null, null))
                    .write(TestMqttClient.publish(topic, MqttQoS.AT_MOST_ONCE, 0, "fire and forget"))
                    .flush();
            // End of input right behind the pipelined PUBLISH: the PUBLISH is still relayed first.
            vehicle.shutdownOutput();
            assertThat(payload(sub.await(MqttMessageType.PUBLISH, WAIT))).isEqualTo("fire and forget");
        }
    }

    // ---- deny --------------------------------------------------------------------------------

    @Test
    void deniedMqtt311ClientGetsReturnCode5AndIsClosed() throws Exception {
        startGate(toMosquitto());
        try (TestMqttClient vehicle = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_3_1_1, OTHER_VIN)) {
            assertThat(reasonOf(vehicle.awaitConnAck(WAIT))).isEqualTo(5);
            assertThat(vehicle.awaitClosed(WAIT)).isTrue();
        }
        assertThat(eventually(() -> gate.metrics().count("gate.decisions", "decision", "deny"), 1)).isEqualTo(1);
    }

    @Test
    void deniedMqtt5ClientGetsReason0x87AndIsClosed() throws Exception {
        startGate(toMosquitto());
        try (TestMqttClient vehicle = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, OTHER_VIN)) {
            assertThat(reasonOf(vehicle.awaitConnAck(WAIT))).isEqualTo(0x87);
            assertThat(vehicle.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void unverifiedCertificateIsDeniedWithoutAskingTheCa() throws Exception {
        startGate(toMosquitto());
        int before = ca.requests().size();
        try (TestMqttClient v3 = vehicle(Ppv2.unverified(VIN, 10), MqttVersion.MQTT_3_1_1, VIN);
             TestMqttClient v5 = vehicle(Ppv2.unverified(VIN, 10), MqttVersion.MQTT_5, VIN);
             TestMqttClient noCn = vehicle(Ppv2.withoutCn(), MqttVersion.MQTT_5, VIN);
             TestMqttClient plain = vehicle(Ppv2.plainTcp(), MqttVersion.MQTT_5, VIN)) {
            assertThat(reasonOf(v3.awaitConnAck(WAIT))).isEqualTo(5);
            assertThat(reasonOf(v5.awaitConnAck(WAIT))).isEqualTo(0x87);
            assertThat(reasonOf(noCn.awaitConnAck(WAIT))).isEqualTo(0x87);
            assertThat(reasonOf(plain.awaitConnAck(WAIT))).isEqualTo(0x87);
            assertThat(v3.awaitClosed(WAIT) && v5.awaitClosed(WAIT) && noCn.awaitClosed(WAIT)).isTrue();
        }
        assertThat(ca.requests()).hasSize(before);
        assertThat(logs.connectionLines()).anySatisfy(line -> assertThat(line).contains("verify=10"));
    }

    @Test
    void stricterPolicyRefusesMissingSerialAndForeignClientId() throws Exception {
        startGate(toMosquitto().policy(false, false, true, true));
        int before = ca.requests().size();
        try (TestMqttClient noSerial = vehicle(Ppv2.withoutSerial(VIN), MqttVersion.MQTT_5, VIN);
             TestMqttClient otherId = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, "not-the-vin")) {
            assertThat(reasonOf(noSerial.awaitConnAck(WAIT))).isEqualTo(0x87);
            assertThat(reasonOf(otherId.awaitConnAck(WAIT))).isEqualTo(0x87);
        }
        assertThat(ca.requests()).hasSize(before);
    }

    // ---- CA failures -------------------------------------------------------------------------

    @Test
    void caUnreachableAnswersServerUnavailable() throws Exception {
        URI closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/api/v1/broker/authn");
        }
        startGate(new GateFixture().broker(mosquitto).ca(closedPort));
        try (TestMqttClient v3 = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_3_1_1, VIN);
             TestMqttClient v5 = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, VIN)) {
            assertThat(reasonOf(v3.awaitConnAck(WAIT))).isEqualTo(3);
            assertThat(reasonOf(v5.awaitConnAck(WAIT))).isEqualTo(0x88);
            assertThat(v3.awaitClosed(WAIT) && v5.awaitClosed(WAIT)).isTrue();
        }
        assertThat(logs.connectionLines()).anySatisfy(line -> assertThat(line)
                .contains("decision=unavailable").contains("CA unreachable"));
    }

    @Test
    void caServerErrorAndTimeoutAnswerServerUnavailable() throws Exception {
        // The fixture's CA timeout (2 s): the 503 must arrive in time even on a loaded machine, or it
        // would be logged as a timeout instead.
        startGate(toMosquitto());
        ca.policy(body -> Answer.status(503));
        try (TestMqttClient v3 = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_3_1_1, VIN)) {
            assertThat(reasonOf(v3.awaitConnAck(WAIT))).isEqualTo(3);
        }
        gate.close();
        startGate(toMosquitto().caTimeout(Duration.ofMillis(700)));
        ca.policy(body -> Answer.hang());
        long started = System.nanoTime();
        try (TestMqttClient v5 = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, VIN)) {
            assertThat(reasonOf(v5.awaitConnAck(WAIT))).isEqualTo(0x88);
            assertThat(v5.awaitClosed(WAIT)).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(logs.connectionLines()).anySatisfy(line -> assertThat(line).contains("CA timed out"));
        assertThat(logs.connectionLines()).anySatisfy(line -> assertThat(line).contains("HTTP 503"));
    }

    // ---- who may connect ---------------------------------------------------------------------

    @Test
    void connectionFromANonGatewayAddressIsDroppedUnread() throws Exception {
        startGate(toMosquitto().gateways("127.0.0.1/32"));
        int before = ca.requests().size();
        try (TestMqttClient stranger = TestMqttClient.connectFrom(gate.boundAddress(),
                new InetSocketAddress("127.0.0.2", 0))) {
            stranger.write(Ppv2.verified(VIN))
                    .write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, VIN, null, null));
            stranger.flush();
            assertThat(stranger.awaitClosed(WAIT)).isTrue();
            assertThat(stranger.bytesReceived()).isZero();
        }
        try (TestMqttClient again = TestMqttClient.connectFrom(gate.boundAddress(), new InetSocketAddress("127.0.0.2", 0))) {
            assertThat(again.awaitClosed(WAIT)).isTrue();
        }
        assertThat(ca.requests()).hasSize(before);
        // Counted on the gate's event loop; the client may see the close a moment earlier.
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "not_gateway"), 2.0))
                .isEqualTo(2);
        // Logged once per address, counted every time.
        assertThat(logs.connectionLines().stream().filter(l -> l.contains("not a configured gateway"))).hasSize(1);
    }

    @Test
    void connectionsOverTheLimitAreClosed() throws Exception {
        startGate(toMosquitto().maxConnections(1));
        try (TestMqttClient first = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, VIN)) {
            assertThat(reasonOf(first.awaitConnAck(WAIT))).isZero();
            try (TestMqttClient second = TestMqttClient.connect(gate.boundAddress())) {
                assertThat(second.awaitClosed(WAIT)).isTrue();
                assertThat(second.bytesReceived()).isZero();
            }
        }
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "limit"), 1)).isEqualTo(1);
    }

    // ---- hostile input -----------------------------------------------------------------------

    @Test
    void malformedOversizeAndLateInputIsClosedWithoutAConnAck() throws Exception {
        // Long enough that the gate reads every malformed input below before its timer could fire, even
        // on a loaded machine; only the last connection (header, then silence) is to end by the timeout.
        startGate(toMosquitto().handshakeTimeout(Duration.ofSeconds(2)));
        int before = ca.requests().size();
        byte[] header = Ppv2.verified(VIN);
        // Garbage where the CONNECT should be: type 0 is reserved.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).write(new byte[] {0x00, 0x02, 0x01, 0x02}).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.bytesReceived()).isZero();
        }
        // A CONNECT whose protocol name is wrong.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).write(new byte[] {0x10, 0x0c, 0x00, 0x04, 'X', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00})
                    .flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.bytesReceived()).isZero();
        }
        // A 3.1.1 CONNECT with a password but no username.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).write(new byte[] {0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x42, 0x00, 0x3c,
                    0x00, 0x01, 'c', 0x00, 0x02, 'p', 'w'}).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.bytesReceived()).isZero();
        }
        // A CONNECT announcing 1 MiB (over the 4 KiB limit); the rest never comes.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).write(new byte[] {0x10, (byte) 0x80, (byte) 0x80, 0x40, 0x00, 0x04, 'M', 'Q', 'T', 'T'}).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.bytesReceived()).isZero();
        }
        // A first packet that is not CONNECT.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).write(new byte[] {(byte) 0xC0, 0x00}).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        // Not PPv2 at all.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, VIN, null, null)).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.bytesReceived()).isZero();
        }
        // Header, then silence: closed by the handshake timeout.
        try (TestMqttClient c = TestMqttClient.connect(gate.boundAddress())) {
            c.write(header).flush();
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertThat(ca.requests()).hasSize(before);
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "malformed"), 4)).isEqualTo(4);
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "oversize"), 1)).isEqualTo(1);
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "handshake_timeout"), 1)).isEqualTo(1);
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "ppv2_not_ppv2"), 1)).isEqualTo(1);
    }

    /**
     * The gateway's TCP health check (connect, then close: with a reset, as gm-tls-proxy does, or a
     * FIN) is a probe: counted apart and logged at DEBUG only. A peer that sent something and then
     * closed is still a refusal with its INFO line.
     */
    @Test
    void healthCheckProbesAreCountedApartAndNotLoggedAsRefusals() throws Exception {
        ch.qos.logback.classic.Logger connections =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.gmtls.brokeradapter.connections");
        Level configured = connections.getLevel();
        connections.setLevel(Level.DEBUG);
        try {
            probesAndRefusals();
        } finally {
            connections.setLevel(configured);
        }
    }

    private void probesAndRefusals() throws Exception {
        startGate(toMosquitto());
        try (Socket reset = new Socket()) {
            reset.setSoLinger(true, 0);
            reset.connect(gate.boundAddress());
        }
        try (Socket fin = new Socket()) {
            fin.connect(gate.boundAddress());
        }
        assertThat(eventually(() -> gate.metrics().probeConnections(), 2)).isEqualTo(2);
        // Real refusals: part of a PPv2 header, then end of input; a whole header, then end of input.
        byte[] header = Ppv2.verified(VIN);
        try (Socket partial = new Socket()) {
            partial.connect(gate.boundAddress());
            partial.getOutputStream().write(Arrays.copyOf(header, 5));
            partial.shutdownOutput();
            assertThat(partial.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket headerOnly = new Socket()) {
            headerOnly.connect(gate.boundAddress());
            headerOnly.getOutputStream().write(header);
            headerOnly.shutdownOutput();
            assertThat(headerOnly.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "ppv2_truncated"), 1))
                .isEqualTo(1);
        assertThat(eventually(() -> gate.metrics().count("gate.connections.refused", "reason", "closed"), 1)).isEqualTo(1);
        assertThat(gate.metrics().probeConnections()).isEqualTo(2);
        assertThat(gate.metrics().count("gate.connections.refused", "reason", "error")).isZero();

        assertThat(logs.connectionLines(Level.DEBUG)).filteredOn(l -> l.contains("decision=probe")).hasSize(2);
        List<String> info = logs.connectionLines(Level.INFO);
        assertThat(info).noneMatch(l -> l.contains("decision=probe"));
        assertThat(info).filteredOn(l -> l.contains("decision=refused")).hasSize(2)
                .anyMatch(l -> l.contains("incomplete PPv2 header"))
                .anyMatch(l -> l.contains("client closed before CONNECT"));
        assertThat(logs.connectionLines(Level.WARN)).isEmpty();
    }

    // ---- username rewrite, relay mechanics (plain-TCP broker) -----------------------------------

    @Test
    void usernameIsRewrittenToTheCertificateCn() throws Exception {
        try (FakeBroker broker = FakeBroker.start()) {
            startGate(new GateFixture().broker(broker.address()).ca(ca.authnUrl()).policy(true, false, false, false));
            try (TestMqttClient vehicle = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_5, VIN)) {
                assertThat(reasonOf(vehicle.awaitConnAck(WAIT))).isZero();
                MqttConnectMessage forwarded = (MqttConnectMessage) broker.poll(WAIT);
                assertThat(forwarded.payload().userName()).isEqualTo(VIN);
                assertThat(forwarded.variableHeader().hasUserName()).isTrue();
                assertThat(forwarded.payload().clientIdentifier()).isEqualTo(VIN);
                assertThat(new String(forwarded.payload().passwordInBytes(), StandardCharsets.UTF_8)).isEqualTo("s3cr3t-pw");
                assertThat(forwarded.variableHeader().version()).isEqualTo(5);
            }
            // The CA still saw what the client sent.
            assertThat(FakeCa.fields(ca.requests().get(ca.requests().size() - 1))).containsEntry("username", "tbox");
        }
    }

    @Test
    void relayCarriesBulkDataAndHalfClose() throws Exception {
        try (FakeBroker broker = FakeBroker.startRaw()) {
            startGate(new GateFixture().broker(broker.address()).ca(ca.authnUrl()));
            try (TestMqttClient vehicle = vehicle(Ppv2.verified(VIN), MqttVersion.MQTT_3_1_1, VIN)) {
                assertThat(reasonOf(vehicle.awaitConnAck(WAIT))).isZero();
                assertThat(broker.poll(WAIT)).isInstanceOf(MqttConnectMessage.class);
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    vehicle.write(chunk);
                }
                vehicle.flush();
                vehicle.shutdownOutput();
                // The broker gets all 4 MiB and then end of input, not a reset.
                assertThat(broker.awaitInputShutdown(WAIT)).isTrue();
                assertThat(broker.rawBytes()).isEqualTo(64L * 64 * 1024);
                // The other direction still works after the client's half-close.
                broker.connection().writeAndFlush(MqttMessageBuilders.pubAck().packetId(9).build()).sync();
                assertThat(vehicle.await(MqttMessageType.PUBACK, WAIT)).isNotNull();
                broker.connection().close().sync();
                assertThat(vehicle.awaitClosed(WAIT)).isTrue();
            }
        }
    }
}
