package io.gmtls.tboxsim.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ProxyHeaderEncoder;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tboxsim.mqtt.MqttSubscriber;
import io.gmtls.tboxsim.testing.Cli;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslProvider;
import tools.jackson.databind.JsonNode;

/**
 * The platform end to end, every part real and wired as deployed ({@link WholeStack}: PostgreSQL,
 * pki-ca, cert-enrollment, gm-tls-proxy, the broker-adapter auth gate, the machine's Mosquitto), driven
 * by tbox-sim as the vehicles: they enroll through the gateway, connect over TLCP (ECC and ECDHE) and
 * TLS 1.3, publish, and a subscriber connected straight to Mosquitto receives what they sent. The
 * refusals happen where they belong: a revoked vehicle at the gateway's handshake (the CA's CRL), a
 * foreign client id and a per-model certificate for an unregistered VIN at the gate (the CA's authn
 * answer, CONNACK "not authorized"), a PPv2 header from a non-gateway address at the gate and at the
 * enrollment service (closed unread).
 */
class WholeStackIT {

    private static final int VEHICLES = 3;
    /** Topics of this run only: other tests may use the machine's Mosquitto at the same time. */
    private static final String RUN = WholeStack.hex(4);
    private static final String TOPIC = "vehicle/{VIN}/e2e-" + RUN;

    @TempDir
    static Path dir;
    static WholeStack stack;
    static MqttSubscriber observer;
    static final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        stack = WholeStack.start(dir, VEHICLES);
        observer = MqttSubscriber.connect(new MqttSubscriber.Settings(WholeStack.MOSQUITTO, "e2e-observer-" + RUN,
                "vehicle/+/e2e-" + RUN, MqttQoS.AT_LEAST_ONCE, MqttVersion.MQTT_3_1_1, 30, Duration.ofSeconds(10),
                1024 * 1024), new TransportFactory(TransportSettings.plain("127.0.0.1", 1883)).anonymous(),
                m -> received.computeIfAbsent(m.topic().split("/")[1], k -> new AtomicInteger()).incrementAndGet());
    }

    @AfterAll
    static void stop() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    // ---- enroll, connect, publish ------------------------------------------------------------

    @Test
    void vehiclesEnrollThroughTheGatewayThenConnectOverTlcpEccAndPublish() throws Exception {
        // An operator registers two new VINs to the model; the T-Boxes enroll with the per-model
        // certificate over TLCP through the gateway's enrollment listener.
        List<String> vins = List.of("LGMEEE" + RUN.substring(0, 3).toUpperCase() + "00000001",
                "LGMEEE" + RUN.substring(0, 3).toUpperCase() + "00000002");
        stack.registerVins(vins);
        Path enrolled = dir.resolve("enrolled");
        Cli.Result enroll = Cli.run("enroll", "--pki", stack.pkiDir.toString(), "--port", String.valueOf(stack.enrollPort()),
                "--vin", String.join(",", vins), "--out", enrolled.toString());
        assertThat(enroll.exit()).as(enroll.toString()).isZero();
        assertThat(enroll.out()).contains("2 enrolled");

        Summary run = connect("tlcp-ecc", vins, "-t", "tlcp", "--suite", "ECC_SM4_GCM_SM3", "--credentials",
                enrolled.toString(), "--vin", String.join(",", vins));
        run.assertAllDelivered(2, 3);
        assertThat(run.json.at("/cipherSuites/0").asString()).isEqualTo("ECC_SM4_GCM_SM3");
    }

    /**
     * An operator issues a one-time token in pki-ca's console (headless Chromium); the page shows it once,
     * and the T-Box enrolls with it (no client certificate) over TLCP through the gateway's enrollment
     * listener to cert-enrollment; the token is then used up.
     */
    @Test
    void aTokenFromTheOperatorConsoleEnrollsThroughTheGateway() throws Exception {
        String missing = HeadlessChromium.availability();
        Assumptions.assumeTrue(missing == null, () -> "console token test skipped: " + missing);
        String vin = "LGMCTK" + RUN.substring(0, 3).toUpperCase() + "00000001";
        stack.registerVins(List.of(vin));
        String token;
        try (HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
            WebDriver driver = browser.driver();
            driver.get(stack.caUrl("/console/login?lang=en"));
            driver.findElement(By.id("apiKey")).sendKeys(stack.operatorKey());
            browser.clickAndWait(driver.findElement(By.id("sign-in")));
            driver.findElement(By.id("q")).sendKeys(vin);
            browser.clickAndWait(driver.findElement(By.id("search")));
            assertThat(driver.findElement(By.id("vin")).getText()).isEqualTo(vin);
            assertThat(driver.findElement(By.id("certificates")).getText()).contains("no certificate");
            browser.clickAndWait(driver.findElement(By.id("issue-token")));
            token = driver.findElement(By.id("enrollment-token")).getDomProperty("value");
            assertThat(token).hasSize(43);
            browser.screenshot(Path.of("target", "console-screenshots", "token.png"));
            driver.get(stack.caUrl("/console/vehicles/" + vin));
            assertThat(driver.getPageSource()).as("shown once").doesNotContain(token);
        }

        Path enrolled = dir.resolve("enrolled-token");
        Cli.Result enroll = Cli.run("enroll", "--pki", stack.pkiDir.toString(), "--port",
                String.valueOf(stack.enrollPort()), "--vin", vin, "--token", token, "--out", enrolled.toString());
        assertThat(enroll.exit()).as(enroll.toString()).isZero();
        assertThat(enroll.out()).contains("1 enrolled");
        // One enrollment per token: the same token again is refused.
        Cli.Result again = Cli.run("enroll", "--pki", stack.pkiDir.toString(), "--port",
                String.valueOf(stack.enrollPort()), "--vin", vin, "--token", token, "--out",
                dir.resolve("enrolled-token-again").toString());
        assertThat(again.exit()).as(again.toString()).isNotZero();
    }

    @Test
    void devPkiVehiclesConnectOverTlcpEcdheAndPublish() throws Exception {
        Summary run = connect("tlcp-ecdhe", vins(), "-t", "tlcp", "--suite", "ECDHE_SM4_GCM_SM3", "-n", String.valueOf(VEHICLES));
        run.assertAllDelivered(VEHICLES, 3);
        assertThat(run.json.at("/cipherSuites/0").asString()).isEqualTo("ECDHE_SM4_GCM_SM3");
    }

    @Test
    void devPkiVehiclesConnectOverTls13WithEcdsaAndSmCertificatesAndPublish() throws Exception {
        List<String> two = vins().subList(0, 2);
        Summary ecdsa = connect("tls13", two, "-t", "tls13", "--vin", String.join(",", two));
        ecdsa.assertAllDelivered(2, 3);
        List<String> one = vins().subList(2, 3);
        Summary sm = connect("tls13-sm", one, "-t", "tls13-sm", "--vin", one.get(0));
        sm.assertAllDelivered(1, 3);
    }

    // ---- refusals ----------------------------------------------------------------------------

    @Test
    void aRevokedVehicleIsRefusedAtTheGatewayHandshake() {
        Vehicle revoked = stack.pki.revokedVehicle();
        assertThatThrownBy(() -> subscribeThroughGateway(credentials(revoked.vin(), revoked), revoked.vin()).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("certificate_revoked");
    }

    @Test
    void aVehicleUsingAnotherVehiclesClientIdIsNotAuthorized() throws Exception {
        Vehicle first = stack.pki.vehicles().get(0);
        String other = stack.pki.vehicles().get(1).vin();
        assertThatThrownBy(() -> subscribeThroughGateway(credentials(first.vin(), first), other).close())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("connack code 5");
        // Its own client id is fine (the same certificate, the same path).
        subscribeThroughGateway(credentials(first.vin(), first), first.vin()).close();
    }

    @Test
    void aPerModelCertificateIsAllowedForARegisteredVinOnly() throws Exception {
        DevPki pki = stack.pki;
        Sm2VehicleCredentials model = new Sm2VehicleCredentials(pki.modelCode(), pki.modelSign().privateKey(),
                pki.modelSign().chain(), pki.modelEnc().privateKey(), pki.modelEnc().certificate());
        // A VIN of the model that has no certificate of its own yet: allowed, and it may use that VIN's
        // topics (the per-model certificate is a bootstrap credential only, issue 13).
        String registered = "LGMPMC" + RUN.substring(0, 3).toUpperCase() + "00000001";
        stack.registerVins(List.of(registered));
        try (MqttSubscriber allowed = subscribeThroughGateway(model, registered)) {
            assertThat(allowed.closed()).isNotDone();
        }
        // A VIN registered by the import has its own certificate: the per-model certificate does not admit it.
        assertThatThrownBy(() -> subscribeThroughGateway(model, pki.vehicles().get(2).vin()).close())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("connack code 5");
        // A VIN nobody registered: the CA denies, the gate answers CONNACK "not authorized".
        assertThatThrownBy(() -> subscribeThroughGateway(model, "LGMUNR" + "00000000001").close())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("connack code 5");
    }

    @Test
    void aPpv2HeaderFromANonGatewayAddressIsDroppedUnread() throws Exception {
        InetAddress notAGateway = InetAddress.getByName("127.0.0.2");
        Vehicle vehicle = stack.pki.vehicles().get(0);
        byte[] header = new ProxyHeaderEncoder(HeaderOptions.defaults()).encode(ConnectionFacts.builder()
                .source(new InetSocketAddress("10.1.2.3", 40000)).destination(new InetSocketAddress("127.0.0.1", 1883))
                .protocol("TLCPv1.1").cipher("ECC-SM2-SM4-GCM-SM3")
                .clientCertificate(vehicle.sign().certificate(), 0).build()).bytes();
        double before = stack.gateCount("gate.connections.refused", "reason", "not_gateway");

        // At the gate: a forged, otherwise perfect header and CONNECT get no CONNACK, just a close.
        byte[] connect = mqttConnect(vehicle.vin());
        assertThat(sendFrom(notAGateway, stack.gateAddress(), concat(header, connect))).isEmpty();
        assertThat(stack.awaitGateCount("gate.connections.refused", "reason", "not_gateway", before + 1))
                .isEqualTo(before + 1);

        // At the enrollment service: the same, with an HTTP request behind the header.
        byte[] request = ("GET /.well-known/est/cacerts HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(sendFrom(notAGateway, new InetSocketAddress("127.0.0.1", stack.enrollmentServicePort()),
                concat(header, request))).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static List<String> vins() {
        return stack.pki.vehicles().stream().map(Vehicle::vin).toList();
    }

    private static Sm2VehicleCredentials credentials(String name, Vehicle v) {
        return new Sm2VehicleCredentials(name, v.sign().privateKey(), v.sign().chain(), v.enc().privateKey(),
                v.enc().certificate());
    }

    /** Connects over TLCP through the gateway's MQTT listener and subscribes to the client id's topics. */
    private static MqttSubscriber subscribeThroughGateway(Sm2VehicleCredentials credentials, String clientId)
            throws Exception {
        List<X509Certificate> trust = stack.pki.sm2Trust();
        TransportFactory transports = new TransportFactory(new TransportSettings(TransportKind.TLCP, "localhost",
                stack.mqttPort(), TlcpContext.DEFAULT_SUITES, SslProvider.JDK, trust, Duration.ofSeconds(10)));
        return MqttSubscriber.connect(new MqttSubscriber.Settings(new InetSocketAddress("127.0.0.1", stack.mqttPort()),
                clientId, "vehicle/" + clientId + "/#", MqttQoS.AT_LEAST_ONCE, MqttVersion.MQTT_3_1_1, 30,
                Duration.ofSeconds(15), 64 * 1024), transports.withSm2(credentials), m -> { });
    }

    /** One {@code tbox-sim connect} run through the gateway: 3 QoS 1 messages per vehicle to this run's topic. */
    private static Summary connect(String label, List<String> vins, String... options) throws Exception {
        Map<String, Integer> before = new java.util.HashMap<>();
        vins.forEach(v -> before.put(v, count(v)));
        Path json = dir.resolve(label + ".json");
        List<String> args = new ArrayList<>(List.of("connect", "--pki", stack.pkiDir.toString(), "--host", "localhost",
                "--port", String.valueOf(stack.mqttPort()), "--messages", "3", "--publish-rate", "10", "--ramp", "50",
                "--topic", TOPIC, "--json", json.toString(), "-q"));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        return new Summary(result, result.exit() == 0 || json.toFile().exists() ? Cli.json(json) : null, vins, before);
    }

    private static int count(String vin) {
        AtomicInteger n = received.get(vin);
        return n == null ? 0 : n.get();
    }

    /** What {@code connect} reported, and what the subscriber on Mosquitto got from those vehicles. */
    private record Summary(Cli.Result cli, JsonNode json, List<String> vins, Map<String, Integer> before) {

        void assertAllDelivered(int vehicles, int messagesEach) throws InterruptedException {
            assertThat(cli.exit()).as(cli.toString()).isZero();
            assertThat(json.at("/errorTotal").asLong()).as(cli.toString()).isZero();
            assertThat(json.at("/connections/established").asLong()).isEqualTo(vehicles);
            assertThat(json.at("/messages/acked").asLong()).isEqualTo((long) vehicles * messagesEach);
            // Every message reached the subscriber on the broker (QoS 1 end to end).
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!vins.stream().allMatch(v -> count(v) - before.get(v) >= messagesEach) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (String vin : vins) {
                assertThat(count(vin) - before.get(vin)).as("messages from %s seen on Mosquitto", vin)
                        .isEqualTo(messagesEach);
            }
        }
    }

    /** Sends bytes from a given local address; returns whatever came back before the peer closed. */
    private static byte[] sendFrom(InetAddress local, InetSocketAddress remote, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(remote, 5000);
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(bytes);
                s.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // The peer may close before all bytes are written: that is the expected outcome too.
            }
            InputStream in = s.getInputStream();
            try {
                return in.readAllBytes();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection from " + local + " was left open", e);
            } catch (IOException reset) {
                return new byte[0];
            }
        }
    }

    private static byte[] mqttConnect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30};
        int remaining = variable.length + 2 + id.length;
        byte[] packet = new byte[2 + remaining];
        packet[0] = 0x10;
        packet[1] = (byte) remaining;
        System.arraycopy(variable, 0, packet, 2, variable.length);
        packet[2 + variable.length] = 0;
        packet[3 + variable.length] = (byte) id.length;
        System.arraycopy(id, 0, packet, 4 + variable.length, id.length);
        return packet;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
