package io.gmtls.proxy;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.gmtls.config.ConfigException;
import io.gmtls.proxy.config.ConfigLoader;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gm-tls-proxy.jar --config FILE}: starts the gateway and runs until SIGTERM/SIGINT,
 * then drains. A configuration error prints one line naming file, key and problem and exits with 2.
 */
@Command(name = "gm-tls-proxy", mixinStandardHelpOptions = true, version = "gm-tls-proxy 0.1.0",
        description = "TLCP / TLS 1.3 gateway forwarding to MQTT brokers with PROXY protocol v2 headers.")
public final class GatewayMain implements Callable<Integer> {

    /** Exit status for an unusable configuration. */
    public static final int EXIT_CONFIG = 2;
    /** Exit status when the gateway can't start for another reason (e.g. a port in use). */
    public static final int EXIT_START = 1;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file")
    private Path config;

    @Option(names = "--check", description = "Validate the configuration (including certificates and keys) and exit")
    private boolean check;

    public static void main(String[] args) {
        // java.util.logging (BouncyCastle's JSSE) into SLF4J: one log format, JSON lines included.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new GatewayMain()).execute(args));
    }

    @Override
    public Integer call() {
        Gateway gateway;
        try {
            if (check) {
                // The check's report goes to stdout, errors to stderr: a deprecation is a note, not an error.
                Gateway.validate(ConfigLoader.load(config, warning -> System.out.println("gm-tls-proxy: " + warning)));
                System.out.println("gm-tls-proxy: configuration " + config + " is valid");
                return 0;
            }
            gateway = Gateway.start(config);
        } catch (ConfigException e) {
            System.err.println("gm-tls-proxy: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_START;
        } catch (RuntimeException e) {
            System.err.println("gm-tls-proxy: cannot start: " + e.getMessage());
            return EXIT_START;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            // The access log is written by logback's asynchronous appender: stopping the context writes
            // what is still queued, including the lines of the connections the drain just closed. (Not
            // logback's own shutdown hook: JVM shutdown hooks run concurrently, and it would stop the
            // appender while the drain is still closing connections.)
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
                logback.stop();
            }
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
