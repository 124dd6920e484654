package io.gmtls.brokeradapter;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.gmtls.brokeradapter.authn.ConcurrencyLimitedAuthenticator;
import io.gmtls.brokeradapter.authn.HttpCaAuthenticator;
import io.gmtls.config.ConfigException;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateConfigLoader;
import io.gmtls.brokeradapter.embedded.EmbeddedMqttBroker;
import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.brokeradapter.gate.GateMetrics;
import io.gmtls.brokeradapter.metrics.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar broker-adapter.jar --config gate.yaml}: runs the MQTT auth gate until stopped.
 * Exit codes: 0 after a clean stop or a successful {@code --check}, 2 for a configuration error,
 * 1 for anything else at startup.
 */
@Command(name = "broker-adapter", mixinStandardHelpOptions = true, version = "broker-adapter 0.1.0",
        description = "MQTT auth gate: admits PPv2 connections from gateways, checks each CONNECT with the CA, "
                + "relays allowed clients to the broker.")
public final class BrokerAdapterCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration file")
    private Path config;

    @Option(names = "--check", description = "validate the configuration and exit")
    private boolean check;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
            description = "event loop threads (default: 0 = 2 x cores)")
    private int ioThreads;

    /** Entry point. */
    public static void main(String[] args) {
        // java.util.logging (BouncyCastle's JSSE) into SLF4J: one log format, JSON lines included.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new BrokerAdapterCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        GateConfig gateConfig;
        try {
            gateConfig = GateConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        if (check) {
            System.out.println("configuration OK: " + config);
            return 0;
        }
        if (ioThreads < 0) {
            System.err.println("--io-threads must be 0 or more");
            return 2;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GateMetrics metrics = new GateMetrics(registry);
        ConcurrencyLimitedAuthenticator authenticator = new ConcurrencyLimitedAuthenticator(
                new HttpCaAuthenticator(gateConfig.ca()), gateConfig.ca().maxConcurrentRequests());
        registry.gauge("gate.ca.requests.inflight", authenticator, ConcurrencyLimitedAuthenticator::inFlight);
        EmbeddedMqttBroker broker = null;
        if (gateConfig.embeddedBroker().isPresent()) {
            try {
                broker = EmbeddedMqttBroker.start(gateConfig.embeddedBroker().get());
            } catch (java.io.IOException e) {
                System.err.println(config + ": broker.embedded: " + e.getMessage());
                return 1;
            }
        }
        MetricsHttpServer metricsServer = null;
        AuthGateServer gate;
        try {
            metricsServer = gateConfig.metricsListen().isPresent()
                    ? MetricsHttpServer.start(gateConfig.metricsListen().get(), registry) : null;
            gate = AuthGateServer.start(gateConfig, authenticator, metrics, ioThreads);
        } catch (Exception e) {
            if (metricsServer != null) {
                metricsServer.close();
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
        EmbeddedMqttBroker embedded = broker;
        MetricsHttpServer metricsHttp = metricsServer;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gate.close();
            if (metricsHttp != null) {
                metricsHttp.close();
            }
            // Last: the gate's relays to it are gone by now.
            if (embedded != null) {
                embedded.close();
            }
        }, "gate-shutdown"));
        gate.awaitClose();
        return 0;
    }
}
