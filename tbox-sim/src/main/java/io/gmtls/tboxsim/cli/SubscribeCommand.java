package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.credentials.Vins;
import io.gmtls.tboxsim.mqtt.MqttSubscriber;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbox-sim subscribe}: print and count messages on a topic filter. */
@Command(name = "subscribe", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = {
            "Prints and counts the messages on a topic filter.",
            "Connects to a broker (--transport plain) or through the gateway, subscribes, prints each message "
                    + "(topic, QoS, size, payload) to stdout and the count to stderr at the end.",
            "Example:",
            "  tbox-sim subscribe -t plain --host 127.0.0.1 --topic 'vehicle/+/telemetry' --count 100",
            ""})
final class SubscribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Mixin
    CredentialOptions credentials = new CredentialOptions();

    @Option(names = "--vin", paramLabel = "VIN",
            description = "Vehicle whose credential is presented to the gateway (and the default client ID).")
    String vin;

    @Option(names = "--no-client-cert", description = "Connect to the gateway without a client certificate.")
    boolean noClientCert;

    @Option(names = "--topic", defaultValue = "vehicle/+/telemetry", paramLabel = "FILTER",
            description = "Topic filter. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--qos", defaultValue = "1", paramLabel = "0|1", converter = Converters.Qos.class,
            description = "Requested QoS. Default: ${DEFAULT-VALUE}.")
    MqttQoS qos;

    @Option(names = "--mqtt", defaultValue = "3.1.1", paramLabel = "3.1.1|5", converter = Converters.Mqtt.class,
            description = "MQTT protocol version. Default: ${DEFAULT-VALUE}.")
    MqttVersion mqttVersion;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "MQTT client ID (and user name). Default: --vin, else tbox-sim-sub-<random>.")
    String clientId;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages (exit code 3 if the duration ends first).")
    Long count;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Converters.DurationValue.class,
            description = "Exit after this long. Default: run until --count or Ctrl-C.")
    Duration duration;

    @Option(names = "--max-print", defaultValue = "200", paramLabel = "BYTES",
            description = "Payload bytes printed per message. Default: ${DEFAULT-VALUE}.")
    int maxPrint;

    @Option(names = {"-q", "--quiet"}, description = "Only count; print no message.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count: must be at least 1");
        }
        if (duration != null) {
            ServerOptions.positive(duration, "--duration");
        }
        if (maxPrint < 0) {
            throw new IllegalArgumentException("--max-print: must not be negative");
        }
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("--topic: empty");
        }
        boolean presentsCertificate = server.transport != TransportKind.PLAIN && !noClientCert;
        if (presentsCertificate && (vin == null || !Vins.isVin(vin))) {
            throw new IllegalArgumentException("--vin: the vehicle whose certificate to present (or --no-client-cert)");
        }
        int port = server.port(1883, 8883);
        TransportSettings settings = server.settings(port, credentials.pki);
        ClientTransport transport = transport(new TransportFactory(settings));
        String id = clientId != null ? clientId
                : vin != null ? vin : "tbox-sim-sub-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MqttSubscriber.Settings subscription = new MqttSubscriber.Settings(server.address(port), id, topic, qos,
                mqttVersion, 60, server.connectTimeout.plus(server.handshakeTimeout), 1024 * 1024);
        MqttSubscriber subscriber;
        try {
            subscriber = MqttSubscriber.connect(subscription, transport, message -> {
                if (!quiet) {
                    print(out, message);
                }
            });
        } catch (IOException e) {
            throw new CliFailure("cannot subscribe at " + server.host + ":" + port + ": " + e.getMessage(), e);
        }
        Thread hook = new Thread(subscriber::close, "tbox-sim-unsubscribe");
        Runtime.getRuntime().addShutdownHook(hook);
        try (subscriber) {
            err.printf("tbox-sim: subscribed to %s at %s:%d as %s%n", topic, server.host, port, id);
            err.flush();
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while ((count == null || subscriber.received() < count) && System.nanoTime() - deadline < 0
                    && !subscriber.closed().isDone()) {
                Thread.sleep(20);
            }
            out.flush();
            err.printf("tbox-sim: received %d messages%n", subscriber.received());
            err.flush();
            if (subscriber.closed().isDone() && subscriber.closed().getNow(null) != null) {
                err.println("tbox-sim: connection ended: " + subscriber.closed().getNow(null));
                return ExitCodes.ERRORS;
            }
            return count == null || subscriber.received() >= count ? ExitCodes.OK : ExitCodes.ERRORS;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook closes the subscription.
            }
        }
    }

    private ClientTransport transport(TransportFactory factory) throws GeneralSecurityException, IOException {
        TransportSettings s = factory.settings();
        if (s.kind() == TransportKind.PLAIN || noClientCert) {
            return factory.anonymous();
        }
        CredentialFolder folder = credentials.vehicleFolder();
        try {
            return s.kind().usesSm2() ? factory.withSm2(folder.sm2Vehicle(vin, s.trust()))
                    : factory.withEcdsa(folder.ecdsaVehicle(vin, s.trust()));
        } catch (IOException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }

    private void print(PrintWriter out, MqttSubscriber.Message message) {
        byte[] payload = message.payload();
        int shown = Math.min(payload.length, maxPrint);
        String text = new String(payload, 0, shown, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}]", ".");
        synchronized (out) {
            out.println(message.topic() + "\tqos" + message.qos() + "\t" + payload.length + "B\t" + text
                    + (shown < payload.length ? "…" : ""));
        }
    }
}
