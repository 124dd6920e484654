package io.gmtls.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.pki.authn.BrokerAuthController;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
import io.gmtls.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON logs with one connection id from end to end: the gateway's and the gate's runnable jars run with
 * {@code GMTLS_LOG_FORMAT=json}; a vehicle connects over TLS 1.3 and sends its MQTT CONNECT; the gateway
 * forwards it to the gate behind a PPv2 header whose TLV 0x05 carries the connection id; the gate asks
 * pki-ca (in this JVM), which refuses the unknown vehicle. Every line of both processes' output parses as
 * JSON; the gateway's access line and the gate's connection line carry the same {@code connection_id}
 * field, and the CA's refusal carries it in its MDC (from the gate's {@code X-Connection-Id}).
 */
class JsonLogsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BROKER_KEY = "json-logs-broker-key-0123456789";

    @TempDir
    Path work;

    @Test
    void oneConnectionIdFollowsTheSessionThroughGatewayGateAndCa() throws Exception {
        DevPki pki = DevPkiGenerator.write(work.resolve("pki"), DevPkiOptions.defaults().withVehicles(1));
        Vehicle vehicle = pki.vehicles().get(0);
        ListAppender<ILoggingEvent> caLog = new ListAppender<>();
        caLog.start();
        Logger authnLogger = (Logger) LoggerFactory.getLogger(BrokerAuthController.class);
        authnLogger.addAppender(caLog);
        List<Process> processes = new ArrayList<>();
        try (TestDatabase database = new TestDatabase("json_logs_")) {
            System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
            ConfigurableApplicationContext ca = PkiCaApplication.start(CaNodeArgs.onDatabase(database.url(), 4).loopback()
                    .set("spring.main.banner-mode", "off").caKeys(work.resolve("ca-keys"), "json-logs")
                    .bootstrap("generate").apiKey("gate", "broker", ApiKeys.hash(BROKER_KEY)).toArray());
            try {
                int caPort = ((WebServerApplicationContext) ca).getWebServer().getPort();
                int gatePort = freePort();
                int gateMetrics = freePort();
                int brokerPort = freePort();
                int mqttPort = freePort();
                Path apiKey = Files.writeString(work.resolve("ca-api-key"), BROKER_KEY + "\n");
                Path gateConfig = Files.writeString(work.resolve("gate.yaml"), """
                        listen: 127.0.0.1:%d
                        gateways: [127.0.0.1]
                        broker:
                          embedded:
                            bind: 127.0.0.1:%d
                        ca:
                          authn-url: http://127.0.0.1:%d/api/v1/broker/authn
                          api-key-file: %s
                          timeout: 10s
                        metrics:
                          listen: 127.0.0.1:%d
                        """.formatted(gatePort, brokerPort, caPort, apiKey, gateMetrics));
                Process gate = start(processes, "gate", jar("broker-adapter"), "--config", gateConfig.toString());
                awaitPort(gate, gateMetrics, "gate");

                String yaml = GatewayYaml.node("jsonlogs")
                        .listener(Listener.devPki("mqtt", "gates").clientAuth("required"))
                        .upstream(Upstream.of("gates", gatePort).proxyProtocol(true))
                        .reload(false, null)
                        .render().replace("\"127.0.0.1:0\"", "\"127.0.0.1:" + mqttPort + "\"");
                Path gatewayConfig = Files.writeString(work.resolve("gateway.yaml"), yaml);
                Process gateway = start(processes, "gateway", jar("gm-tls-proxy"), "--config", gatewayConfig.toString());
                awaitPort(gateway, mqttPort, "gateway");

                byte[] connack = connectThroughGateway(pki, vehicle, mqttPort);
                assertThat(connack).as("CONNACK from the gate").isNotEmpty();
                assertThat(connack[0] & 0xff).isEqualTo(0x20);

                stop(gateway);
                stop(gate);
                List<JsonNode> gatewayLines = jsonLines(work.resolve("gateway.out"));
                List<JsonNode> gateLines = jsonLines(work.resolve("gate.out"));

                // The vehicle's access line (the readiness probe of the port made one too, without a CN).
                JsonNode access = gatewayLines.stream()
                        .filter(l -> l.path("loggerName").asString().equals("io.gmtls.proxy.access"))
                        .filter(l -> l.path("formattedMessage").asString().contains("cn=" + vehicle.vin())).findFirst()
                        .orElseThrow(() -> new AssertionError("no access line in " + gatewayLines));
                String id = connectionId(access).orElseThrow(() -> new AssertionError("no connection_id: " + access));
                assertThat(id).startsWith("jsonlogs-");
                assertThat(access.path("formattedMessage").asString()).contains("conn=" + id);

                JsonNode decision = gateLines.stream()
                        .filter(l -> l.path("loggerName").asString().equals("io.gmtls.brokeradapter.connections")).findFirst()
                        .orElseThrow(() -> new AssertionError("no connection line in " + gateLines));
                assertThat(connectionId(decision)).as("the gate's line: " + decision).contains(id);
                assertThat(decision.path("formattedMessage").asString()).contains("decision=deny").contains("gw_conn=" + id);

                assertThat(caLog.list).as("the CA's refusal").anySatisfy(event -> {
                    assertThat(event.getFormattedMessage()).contains("broker authn deny clientid=" + vehicle.vin());
                    assertThat(event.getMDCPropertyMap()).containsEntry("connection_id", id);
                });
            } finally {
                ca.close();
            }
        } finally {
            authnLogger.detachAppender(caLog);
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    /** TLS 1.3 with the vehicle's ECDSA certificate, then an MQTT CONNECT; returns what came back. */
    private static byte[] connectThroughGateway(DevPki pki, Vehicle vehicle, int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", pki.ecdsaRoot().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<X509Certificate> chain = new ArrayList<>(List.of(vehicle.ecdsa().certificate()));
        vehicle.ecdsa().chain().stream().filter(c -> !c.equals(vehicle.ecdsa().certificate())).forEach(chain::add);
        keys.setKeyEntry("vehicle", vehicle.ecdsa().privateKey(), new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            socket.getOutputStream().write(mqttConnect(vehicle.vin()));
            socket.getOutputStream().flush();
            return socket.getInputStream().readNBytes(4);
        }
    }

    private static Optional<String> connectionId(JsonNode line) {
        for (JsonNode pair : line.path("kvpList")) {
            JsonNode id = pair.get("connection_id");
            if (id != null) {
                return Optional.of(id.asString());
            }
        }
        return Optional.empty();
    }

    /** Every non-blank line of a process's output, each parsed as one JSON object. */
    private static List<JsonNode> jsonLines(Path output) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("NOTE: Picked up")) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("a JSON object: " + line).isTrue();
            assertThat(node.path("level").asString()).as(line).isNotEmpty();
            lines.add(node);
        }
        return lines;
    }

    private static byte[] mqttConnect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60};
        int remaining = variable.length + 2 + id.length;
        byte[] packet = new byte[2 + remaining];
        packet[0] = 0x10;
        packet[1] = (byte) remaining;
        System.arraycopy(variable, 0, packet, 2, variable.length);
        packet[2 + variable.length] = (byte) (id.length >> 8);
        packet[3 + variable.length] = (byte) id.length;
        System.arraycopy(id, 0, packet, 4 + variable.length, id.length);
        return packet;
    }

    private static Path jar(String module) {
        Path jar = Path.of("..", module, "target", module + ".jar");
        assertThat(jar).as("built by mvn package").isRegularFile();
        return jar;
    }

    private Process start(List<Process> processes, String name, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile());
        builder.environment().putAll(Map.of("GMTLS_LOG_FORMAT", "json"));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitPort(Process process, int port, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                assertThat(process.isAlive()).as(name + " running: " + Files.readString(work.resolve(name + ".out"))).isTrue();
                assertThat(System.nanoTime()).as(name + " listening within 90 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** SIGTERM, so that buffered lines are written, then wait. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
