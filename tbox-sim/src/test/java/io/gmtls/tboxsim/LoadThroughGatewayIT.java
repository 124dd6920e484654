package io.gmtls.tboxsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.tboxsim.mqtt.MqttSubscriber;
import io.gmtls.tboxsim.testing.Cli;
import io.gmtls.tboxsim.testing.TestGateway;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.testsupport.Mosquitto;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import tools.jackson.databind.JsonNode;

/**
 * {@code tbox-sim connect} against a real Mosquitto: directly (plain TCP baseline) and through the real
 * gm-tls-proxy over TLS 1.3 (ECDSA, RFC 8998) and TLCP (ECC and ECDHE suites), with a subscriber on the
 * broker counting what arrives; reconnects that resume; errors counted by cause.
 */
class LoadThroughGatewayIT {

    private static final int VEHICLES = 20;

    @TempDir
    static Path dir;
    static DevPki pki;
    static Path pkiDir;
    static Mosquitto broker;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        pkiDir = dir.resolve("pki");
        pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(VEHICLES));
        broker = Mosquitto.startPrivate("max_inflight_messages 0", "max_queued_messages 100000");
        gateway = TestGateway.start(dir, broker.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void plainBaselineStraightToTheBroker() throws Exception {
        Run run = connect(VEHICLES * 3, "-t", "plain", "--host", "127.0.0.1", "--port", String.valueOf(broker.port()),
                "-n", String.valueOf(VEHICLES), "--messages", "3", "--publish-rate", "10", "--ramp", "200");
        run.assertAllDelivered(VEHICLES, VEHICLES * 3);
        assertThat(run.summary.at("/transport").asString()).isEqualTo("plain");
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isZero();
        assertThat(run.summary.at("/latencyMs/connack/count").asLong()).isEqualTo(VEHICLES);
        assertThat(run.summary.at("/latencyMs/puback/count").asLong()).isEqualTo(VEHICLES * 3);
    }

    @Test
    void tls13WithEcdsaCertificatesThroughTheGateway() throws Exception {
        Run run = connect(VEHICLES * 3, "-t", "tls13", "--pki", pkiDir.toString(), "--port", port(),
                "-n", String.valueOf(VEHICLES), "--messages", "3", "--publish-rate", "10", "--ramp", "200",
                "--mqtt", "5");
        run.assertAllDelivered(VEHICLES, VEHICLES * 3);
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(VEHICLES);
        assertThat(run.summary.at("/latencyMs/handshake/count").asLong()).isEqualTo(VEHICLES);
        assertThat(run.summary.at("/mqttVersion").asString()).isEqualTo("5");
    }

    @Test
    void tls13CellChangesResumeWithTickets() throws Exception {
        // The JDK engine here (the OpenSSL one is the default above): both resume with the gateway's tickets.
        Run run = connect(5 * 6, "-t", "tls13", "--tls-provider", "jdk", "--pki", pkiDir.toString(), "--port", port(),
                "-n", "5", "--messages", "6", "--publish-rate", "5", "--ramp", "200",
                "--reconnect-interval", "300ms", "--reconnect-fraction", "0.4");
        long reconnects = run.summary.at("/connections/reconnects").asLong();
        assertThat(reconnects).as(run.cli.toString()).isPositive();
        run.assertAllDelivered(5 + reconnects, 5 * 6);
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(5);
        assertThat(run.summary.at("/connections/resumedHandshakes").asLong()).isEqualTo(reconnects);
    }

    @Test
    void tls13SmWithSm2CertificatesThroughTheGateway() throws Exception {
        Run run = connect(5 * 2, "-t", "tls13-sm", "--pki", pkiDir.toString(), "--port", port(),
                "-n", "5", "--messages", "2", "--publish-rate", "10", "--ramp", "100");
        run.assertAllDelivered(5, 5 * 2);
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(5);
    }

    @Test
    void tlcpEccWithCellChangesThatResume() throws Exception {
        Run run = connect(VEHICLES * 6, "-t", "tlcp", "--suite", "ECC_SM4_GCM_SM3", "--pki", pkiDir.toString(),
                "--port", port(), "-n", String.valueOf(VEHICLES), "--messages", "6", "--publish-rate", "5",
                "--ramp", "200", "--reconnect-interval", "300ms", "--reconnect-fraction", "0.25");
        long reconnects = run.summary.at("/connections/reconnects").asLong();
        assertThat(reconnects).as(run.cli.toString()).isPositive();
        run.assertAllDelivered(VEHICLES + reconnects, VEHICLES * 6);
        assertThat(run.summary.at("/cipherSuites/0").asString()).isEqualTo("ECC_SM4_GCM_SM3");
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(VEHICLES);
        // Every cell change reused the vehicle's TLCP context: the engine resumed the cached session.
        assertThat(run.summary.at("/connections/resumedHandshakes").asLong()).isEqualTo(reconnects);
        // What a failed run prints: the gateway's line for each of these connections (other tests' ECC lines
        // may be kept too), with its close reason.
        int connections = (int) (VEHICLES + reconnects);
        assertThat(awaitAccessLines(l -> l.contains("suite=ECC-SM2-SM4-GCM-SM3"), connections))
                .hasSizeGreaterThanOrEqualTo(connections).allMatch(l -> l.contains(" close="));
    }

    /**
     * The storm's shape: one wave of every vehicle, counted from when the last one connected — with a
     * ramp of 2 s and an interval of 0.5 s, a wave from the start would find most vehicles not yet
     * connected, and waves without a bound would come again every 0.5 s.
     */
    @Test
    void oneWaveOfEveryVehicleOnceAllAreConnected() throws Exception {
        Run run = connect(0, "-t", "tlcp", "--suite", "ECC_SM4_GCM_SM3", "--pki", pkiDir.toString(),
                "--port", port(), "-n", String.valueOf(VEHICLES), "--publish-rate", "0", "--ramp", "10",
                "--duration", "6s", "--reconnect-interval", "500ms", "--reconnect-fraction", "1.0",
                "--reconnect-waves", "1", "--reconnect-after-connected");
        assertThat(run.cli.exit()).as(run.cli.toString()).isZero();
        assertThat(run.summary.at("/errorTotal").asLong()).as(run.cli.toString()).isZero();
        assertThat(run.summary.at("/connections/established").asLong()).isEqualTo(2 * VEHICLES);
        assertThat(run.summary.at("/connections/reconnects").asLong()).as(run.cli.toString()).isEqualTo(VEHICLES);
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(VEHICLES);
        assertThat(run.summary.at("/connections/resumedHandshakes").asLong()).isEqualTo(VEHICLES);
    }

    /** GmSSL's CertificateVerify and ECDHE key exchange forms: the gateway accepts them as it does Tongsuo's. */
    @ParameterizedTest
    @ValueSource(strings = {"ECC_SM4_CBC_SM3", "ECDHE_SM4_GCM_SM3"})
    void tlcpWithTheGmsslPeerProfileThroughTheGateway(String suite) throws Exception {
        Run run = connect(4 * 2, "-t", "tlcp", "--peer-profile", "gmssl", "--suite", suite, "--pki",
                pkiDir.toString(), "--port", port(), "-n", "4", "--messages", "2", "--publish-rate", "10",
                "--ramp", "100");
        run.assertAllDelivered(4, 4 * 2);
        assertThat(run.summary.at("/cipherSuites/0").asString()).isEqualTo(suite);
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(4);
    }

    @Test
    void tlcpEcdheCbcWithMqtt5FromSeveralSourceAddresses() throws Exception {
        Run run = connect(VEHICLES * 3, "-t", "tlcp", "--suite", "ECDHE-SM2-SM4-CBC-SM3", "--pki",
                pkiDir.toString(), "--port", port(), "-n", String.valueOf(VEHICLES), "--messages", "3",
                "--publish-rate", "10", "--ramp", "200", "--mqtt", "5", "--bind", "127.0.0.2,127.0.0.3");
        run.assertAllDelivered(VEHICLES, VEHICLES * 3);
        assertThat(run.summary.at("/cipherSuites/0").asString()).isEqualTo("ECDHE_SM4_CBC_SM3");
        assertThat(run.summary.at("/connections/fullHandshakes").asLong()).isEqualTo(VEHICLES);
        // The gateway logs each connection as it closes (no other test binds these addresses): half came from
        // each source address.
        List<String> lines = awaitAccessLines(l -> l.contains("client=127.0.0.2:") || l.contains("client=127.0.0.3:"),
                VEHICLES);
        assertThat(lines.stream().filter(l -> l.contains("client=127.0.0.2:"))).hasSize(VEHICLES / 2);
        assertThat(lines.stream().filter(l -> l.contains("client=127.0.0.3:"))).hasSize(VEHICLES / 2);
    }

    @Test
    void qos0PublishesAreCountedWithoutAcks() throws Exception {
        Run run = connect(5 * 4, "-t", "tlcp", "--pki", pkiDir.toString(), "--port", port(), "-n", "5",
                "--messages", "4", "--publish-rate", "20", "--qos", "0", "--payload-size", "32");
        assertThat(run.cli.exit()).as(run.cli.toString()).isZero();
        assertThat(run.summary.at("/messages/published").asLong()).isEqualTo(20);
        assertThat(run.summary.at("/messages/acked").asLong()).isZero();
        assertThat(run.received).isEqualTo(20);
    }

    @Test
    void revokedVehicleIsCountedAsHandshakeAlert() throws Exception {
        String vin = pki.revokedVehicle().vin();
        Path creds = dir.resolve("revoked-creds/sm2/vehicles");
        Files.createDirectories(creds);
        for (String name : List.of("-sign.crt", "-sign.key", "-enc.crt", "-enc.key")) {
            Files.copy(pkiDir.resolve("sm2/revoked/" + vin + name), creds.resolve(vin + name),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Path json = dir.resolve("revoked.json");
        Cli.Result result = Cli.run("connect", "-t", "tlcp", "--pki", pkiDir.toString(), "--credentials",
                dir.resolve("revoked-creds").toString(), "--port", port(), "--vin", vin, "--duration", "5s",
                "--publish-rate", "0", "--json", json.toString(), "-q");
        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        JsonNode summary = Cli.json(json);
        assertThat(summary.at("/connections/established").asLong()).isZero();
        assertThat(summary.at("/connections/neverConnected").asLong()).isEqualTo(1);
        assertThat(summary.at("/errors").propertyNames()).as(result.toString())
                .singleElement().asString().startsWith("handshake alert certificate_revoked");
        assertThat(result.out()).contains("handshake alert certificate_revoked");
    }

    @Test
    void refusedTcpConnectionsAreCountedByCause() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        Path json = dir.resolve("refused.json");
        Cli.Result result = Cli.run("connect", "-t", "plain", "--host", "127.0.0.1", "--port",
                String.valueOf(closedPort), "-n", "3", "--duration", "3s", "--retries", "1", "--retry-delay", "50ms",
                "--json", json.toString(), "-q");
        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        JsonNode summary = Cli.json(json);
        assertThat(summary.at("/errors/tcp refused").asLong()).isEqualTo(6);
        assertThat(summary.at("/connections/attempted").asLong()).isEqualTo(6);
        assertThat(summary.at("/connections/retries").asLong()).isEqualTo(3);
        assertThat(summary.at("/connections/failed").asLong()).isEqualTo(6);
        assertThat(summary.at("/connections/neverConnected").asLong()).isEqualTo(3);
    }

    @Test
    void subscribeCommandThroughTheGatewayCountsWhatConnectPublishes() throws Exception {
        String prefix = "sub" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int[] exit = {-1};
        Thread subscriber = new Thread(() -> exit[0] = TboxSim.execute(new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true), "subscribe", "-t", "tlcp", "--pki", pkiDir.toString(), "--port",
                port(), "--vin", pki.vehicles().get(VEHICLES - 1).vin(), "--topic", prefix + "/+/telemetry",
                "--count", "4", "--duration", "30s"));
        subscriber.start();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!err.toString().contains("subscribed to") && subscriber.isAlive() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertThat(err.toString()).contains("subscribed to " + prefix + "/+/telemetry");

        Cli.Result published = Cli.run("connect", "-t", "plain", "--host", "127.0.0.1", "--port",
                String.valueOf(broker.port()), "-n", "2", "--messages", "2", "--publish-rate", "20", "--topic",
                prefix + "/{VIN}/telemetry", "--payload-size", "64", "-q");
        assertThat(published.exit()).as(published.toString()).isZero();

        subscriber.join(20_000);
        assertThat(exit[0]).as(err.toString()).isZero();
        assertThat(out.toString().lines()).hasSize(4).allSatisfy(line -> assertThat(line)
                .startsWith(prefix + "/LGMDEV0000000000").contains("\tqos1\t64B\t{\"vin\":\"LGMDEV"));
        assertThat(err.toString()).contains("received 4 messages");
    }

    private String port() {
        return String.valueOf(gateway.port());
    }

    /**
     * The gateway's access lines that match, once there are {@code count} of them or after 10 s: a line is
     * written when the gateway has seen its connection close, which may be just after tbox-sim has ended.
     */
    private static List<String> awaitAccessLines(Predicate<String> match, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> lines = gateway.recentAccessLines().stream().filter(match).toList();
        while (lines.size() < count && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            lines = gateway.recentAccessLines().stream().filter(match).toList();
        }
        return lines;
    }

    /** A connect run with a subscriber on the broker counting what arrives on its topics. */
    private Run connect(long expectedMessages, String... args) throws Exception {
        String prefix = "it" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        Path json = dir.resolve(prefix + ".json");
        MqttSubscriber.Settings settings = new MqttSubscriber.Settings(broker.address(), prefix + "-sub",
                prefix + "/+/telemetry", MqttQoS.AT_LEAST_ONCE, MqttVersion.MQTT_3_1_1, 30, Duration.ofSeconds(10),
                1 << 20);
        TransportFactory plain = new TransportFactory(TransportSettings.plain("127.0.0.1", broker.port()));
        List<String> topics = Collections.synchronizedList(new ArrayList<>());
        try (MqttSubscriber subscriber = MqttSubscriber.connect(settings, plain.anonymous(), m -> topics.add(m.topic()))) {
            List<String> all = new ArrayList<>(List.of("connect", "--topic", prefix + "/{VIN}/telemetry",
                    "--json", json.toString(), "-q"));
            all.addAll(List.of(args));
            Cli.Result result = Cli.run(all.toArray(new String[0]));
            subscriber.awaitCount(expectedMessages, Duration.ofSeconds(10));
            // Anything beyond the expected count would be a duplicate: give it a moment to show up.
            Thread.sleep(100);
            return new Run(result, Files.exists(json) ? Cli.json(json) : null, subscriber.received(), List.copyOf(topics));
        }
    }

    private record Run(Cli.Result cli, JsonNode summary, long received, List<String> topics) {

        void assertAllDelivered(long connections, long messages) {
            // A connection lost on the way names its cause in the gateway's access lines (close=…).
            Supplier<String> why = () -> cli + "\ngateway access lines (the last ones kept, oldest first):\n"
                    + String.join("\n", gateway.recentAccessLines());
            assertThat(cli.exit()).as(why).isZero();
            assertThat(summary).as(why).isNotNull();
            assertThat(summary.at("/errorTotal").asLong()).as(why).isZero();
            assertThat(summary.at("/connections/established").asLong()).as(why).isEqualTo(connections);
            assertThat(summary.at("/connections/attempted").asLong()).as(why).isEqualTo(connections);
            assertThat(summary.at("/connections/failed").asLong()).as(why).isZero();
            assertThat(summary.at("/connections/aborted").asLong()).as(why).isZero();
            assertThat(summary.at("/messages/published").asLong()).isEqualTo(messages);
            assertThat(summary.at("/messages/acked").asLong()).isEqualTo(messages);
            assertThat(summary.at("/messages/unacked").asLong()).isZero();
            assertThat(received).as("messages the subscriber got").isEqualTo(messages);
            assertThat(topics.stream().distinct().count()).as("one topic per vehicle")
                    .isEqualTo(summary.at("/vehicles").asLong());
            assertThat(cli.out()).contains("tbox-sim connect summary").contains("published");
        }
    }

}
