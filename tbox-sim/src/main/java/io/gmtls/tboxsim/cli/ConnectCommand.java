package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.load.LoadGenerator;
import io.gmtls.tboxsim.load.LoadSettings;
import io.gmtls.tboxsim.load.Summary;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbox-sim connect}: the load generator. */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = {
            "Load generator: keeps N vehicles connected over MQTT and publishing telemetry.",
            "Each vehicle connects through the gateway (TLCP or TLS 1.3, its own certificate), sends CONNECT with "
                    + "client ID and user name = VIN, and publishes to vehicle/{VIN}/telemetry at --publish-rate. "
                    + "With --reconnect-interval, a share of the vehicles drop their connection now and then like cars "
                    + "changing cells and reconnect at once, resuming their TLS/TLCP session. A progress line goes to "
                    + "stderr each second, the summary to stdout (and to --json FILE).",
            "Example (demo stack):",
            "  tbox-sim connect --pki .gmtls-demo/pki -t tlcp --suite ECC_SM4_GCM_SM3 -n 10 --ramp 5 "
                    + "--duration 30s --reconnect-interval 10s --reconnect-fraction 0.2",
            ""})
final class ConnectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Mixin
    CredentialOptions credentials = new CredentialOptions();

    @Mixin
    VinOptions vehicles = new VinOptions();

    @Option(names = "--no-client-cert",
            description = "Connect without a client certificate (gateway listeners with clientAuth none/optional); "
                    + "VINs then come from -n/--vin.")
    boolean noClientCert;

    @Option(names = "--mqtt", defaultValue = "3.1.1", paramLabel = "3.1.1|5", converter = Converters.Mqtt.class,
            description = "MQTT protocol version. Default: ${DEFAULT-VALUE}.")
    MqttVersion mqttVersion;

    @Option(names = "--keepalive", defaultValue = "60", paramLabel = "SECONDS",
            description = "MQTT keep-alive; a PINGREQ goes out after this long without writing. Default: ${DEFAULT-VALUE}.")
    int keepAlive;

    @Option(names = "--ramp", defaultValue = "100", paramLabel = "PER_SECOND",
            description = "New vehicles started per second. Default: ${DEFAULT-VALUE}.")
    double ramp;

    @Option(names = "--publish-rate", defaultValue = "1", paramLabel = "PER_SECOND",
            description = "Messages per second per vehicle (0.2 = one every 5 s; 0 = connect only). Default: ${DEFAULT-VALUE}.")
    double publishRate;

    @Option(names = "--qos", defaultValue = "1", paramLabel = "0|1", converter = Converters.Qos.class,
            description = "QoS of the publishes. Default: ${DEFAULT-VALUE}.")
    MqttQoS qos;

    @Option(names = "--payload-size", defaultValue = "256", paramLabel = "BYTES",
            description = "Payload size (a JSON document padded to the size). Default: ${DEFAULT-VALUE}.")
    int payloadSize;

    @Option(names = "--topic", defaultValue = "vehicle/{VIN}/telemetry", paramLabel = "TOPIC",
            description = "Topic; {VIN} is replaced by the vehicle's VIN. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--messages", defaultValue = "0", paramLabel = "N",
            description = "Messages per vehicle; a vehicle disconnects once they are sent (and acknowledged for QoS 1), "
                    + "and the run ends when all are done. 0 = publish until the duration ends.")
    long messages;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Converters.DurationValue.class,
            description = "Length of the run (e.g. 30s, 5m). Default: 60s unless --messages is given.")
    Duration duration;

    @Option(names = "--reconnect-interval", paramLabel = "DURATION", converter = Converters.DurationValue.class,
            description = "Every interval, a share of the vehicles (--reconnect-fraction) drop their connection as if "
                    + "changing cells and reconnect at once, resuming their TLS/TLCP session. Default: never.")
    Duration reconnectInterval;

    @Option(names = "--reconnect-fraction", defaultValue = "0.1", paramLabel = "SHARE",
            description = "Share of the vehicles in each reconnect wave, 0..1. Default: ${DEFAULT-VALUE}.")
    double reconnectFraction;

    @Option(names = "--reconnect-waves", defaultValue = "0", paramLabel = "N",
            description = "Reconnect waves at most (0: one every interval to the end). Default: ${DEFAULT-VALUE}.")
    int reconnectWaves;

    @Option(names = "--reconnect-after-connected",
            description = "Count the first reconnect interval from the moment every vehicle had its first connection "
                    + "(or gave up on it), not from the start: the wave then finds every vehicle connected, however "
                    + "slowly the ramp went.")
    boolean reconnectAfterConnected;

    @Option(names = "--max-inflight", defaultValue = "16", paramLabel = "N",
            description = "QoS 1 publishes awaiting PUBACK per vehicle before it pauses. Default: ${DEFAULT-VALUE}.")
    int maxInflight;

    @Option(names = "--connack-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class, description = "CONNECT → CONNACK timeout. Default: ${DEFAULT-VALUE}.")
    Duration connackTimeout;

    @Option(names = "--puback-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class, description = "PUBLISH → PUBACK timeout. Default: ${DEFAULT-VALUE}.")
    Duration pubackTimeout;

    @Option(names = "--drain-timeout", defaultValue = "5s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class,
            description = "At the end, how long vehicles wait for their last PUBACKs before DISCONNECT. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--retries", defaultValue = "0", paramLabel = "N",
            description = "Connection attempts a vehicle repeats after a failure. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--retry-delay", defaultValue = "1s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class, description = "Wait before such a retry. Default: ${DEFAULT-VALUE}.")
    Duration retryDelay;

    @Option(names = "--bind", split = ",", paramLabel = "IP", converter = Converters.IpAddress.class,
            description = "Local source addresses used in turn (e.g. 127.0.0.2,127.0.0.3), to go past the ~28000 "
                    + "ephemeral ports of one source address.")
    List<InetAddress> bind;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event loop threads. Default: the number of processors.")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    boolean quiet;

    /** Counted down once the summary is out: a Ctrl-C shutdown hook waits for it. */
    private final CountDownLatch printed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (noClientCert && server.transport == TransportKind.PLAIN) {
            throw new IllegalArgumentException("--no-client-cert: plain TCP has no certificates anyway");
        }
        LoadSettings settings = loadSettings();
        int port = server.port(1883, 8883);
        TransportSettings transport = server.settings(port, credentials.pki);
        InetSocketAddress remote = server.address(port);
        List<LoadGenerator.VehicleSpec> specs = vehicles(new TransportFactory(transport));
        PrintWriter err = spec.commandLine().getErr();
        if (!quiet) {
            err.printf("tbox-sim: %d vehicles → %s:%d over %s%n", specs.size(), server.host, port, transport.kind());
            err.flush();
        }
        LoadGenerator generator = new LoadGenerator(settings, new LoadGenerator.Description(
                transport.kind().label(), transport.kind() == TransportKind.TLCP
                        ? transport.tlcpSuites().stream().map(TlcpCipherSuite::name).toList() : List.of(),
                server.host + ":" + port), remote, specs, quiet ? null : progress(err));
        Summary summary;
        try {
            summary = runWithInterrupt(generator, settings);
            PrintWriter out = spec.commandLine().getOut();
            out.print(summary.toText());
            out.flush();
            if (json != null) {
                summary.writeJson(json);
            }
        } finally {
            printed.countDown();
        }
        boolean clean = summary.errorTotal() == 0 && summary.connections().neverConnected() == 0;
        return clean ? ExitCodes.OK : ExitCodes.ERRORS;
    }

    private LoadSettings loadSettings() {
        Duration end = duration == null && messages == 0 ? Duration.ofSeconds(60) : duration;
        int loopThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return new LoadSettings(mqttVersion, keepAlive, ramp, publishRate, qos, payloadSize, topic, messages, end,
                reconnectInterval, reconnectFraction, reconnectWaves, reconnectAfterConnected, maxInflight, server.connectTimeout, connackTimeout,
                pubackTimeout, drainTimeout, retries, retryDelay, bind == null ? List.of() : bind, loopThreads,
                Math.max(64 * 1024, payloadSize + 1024));
    }

    /** Loads each vehicle's credential and makes its transport (in parallel: key parsing costs a little). */
    private List<LoadGenerator.VehicleSpec> vehicles(TransportFactory factory) {
        TransportSettings s = factory.settings();
        if (s.kind() == TransportKind.PLAIN || noClientCert) {
            return vehicles.resolve(null).parallelStream().map(vin -> {
                try {
                    return new LoadGenerator.VehicleSpec(vin, factory.anonymous());
                } catch (GeneralSecurityException | IOException e) {
                    throw new CliFailure("cannot set up " + s.kind() + ": " + e.getMessage(), e);
                }
            }).toList();
        }
        CredentialFolder folder = credentials.vehicleFolder();
        List<String> vins;
        try {
            vins = vehicles.resolve(s.kind().usesSm2() ? folder.sm2Vins() : folder.ecdsaVins());
        } catch (IOException e) {
            throw new CliFailure("cannot list " + folder.root() + ": " + e.getMessage(), e);
        }
        try {
            return vins.parallelStream().map(vin -> {
                try {
                    ClientTransport transport = s.kind().usesSm2()
                            ? factory.withSm2(folder.sm2Vehicle(vin, s.trust()))
                            : factory.withEcdsa(folder.ecdsaVehicle(vin, s.trust()));
                    return new LoadGenerator.VehicleSpec(vin, transport);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
                    throw new CliFailure("vehicle " + vin + ": " + e.getMessage(), e);
                }
            }).toList();
        } catch (UncheckedIOException e) {
            throw new CliFailure(e.getCause().getMessage(), e);
        }
    }

    private static Consumer<String> progress(PrintWriter err) {
        boolean terminal = System.console() != null;
        return line -> {
            synchronized (err) {
                if (terminal) {
                    err.print("\r\033[K" + line);
                } else {
                    err.println(line);
                }
                err.flush();
            }
        };
    }

    /** Ctrl-C ends the run as its duration would, and the summary is still printed. */
    private Summary runWithInterrupt(LoadGenerator generator, LoadSettings settings) throws InterruptedException {
        long waitMillis = settings.drainTimeout().toMillis() + settings.connackTimeout().toMillis() + 5_000;
        Thread hook = new Thread(() -> {
            generator.requestStop();
            try {
                printed.await(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tbox-sim-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return generator.run();
        } finally {
            if (!quiet && System.console() != null) {
                spec.commandLine().getErr().println();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits (on `printed`) for the summary, which call() prints next.
            }
        }
    }
}
