package io.gmtls.brokeradapter.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.brokeradapter.config.EmbeddedBrokerSettings;
import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.AcceptAllAuthenticator;
import io.moquette.broker.security.PermitAllAuthorizatorPolicy;

/**
 * An in-process MQTT 3.1.1 / 5 broker (Moquette) behind the gate: the upstream of a demo or a
 * single-machine setup. In memory, plain TCP only, anonymous: the gate in front of it has already
 * asked the CA, so the broker itself admits everyone who reaches it — bind it to loopback.
 *
 * <p>Moquette's optional extras are switched off explicitly: its usage telemetry (by default it
 * reports to a public collector at startup), metrics and error reporting, WebSocket and TLS
 * listeners, and on-disk persistence.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

    private final Server server;
    private final InetSocketAddress address;

    private EmbeddedMqttBroker(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /**
     * Starts the broker and returns once it listens.
     *
     * @throws IOException when it cannot listen (the address is in use, not local, ...)
     */
    public static EmbeddedMqttBroker start(EmbeddedBrokerSettings settings) throws IOException {
        Server server = new Server();
        String host = settings.bind().getAddress().getHostAddress();
        try {
            server.startServer(new MemoryConfig(properties(settings)), List.of(), null,
                    new AcceptAllAuthenticator(), new PermitAllAuthorizatorPolicy());
        } catch (RuntimeException e) {
            stopQuietly(server);
            throw new IOException("embedded MQTT broker cannot listen on " + host + ":" + settings.bind().getPort()
                    + ": " + rootMessage(e), e);
        }
        log.info("embedded MQTT broker (Moquette) listening on {}:{}", host, settings.bind().getPort());
        return new EmbeddedMqttBroker(server, settings.bind());
    }

    /** Moquette's configuration for {@code settings}: every property it would otherwise default is set. */
    static Properties properties(EmbeddedBrokerSettings settings) {
        Properties p = new Properties();
        p.setProperty(BrokerConstants.HOST_PROPERTY_NAME, settings.bind().getAddress().getHostAddress());
        p.setProperty(BrokerConstants.PORT_PROPERTY_NAME, String.valueOf(settings.bind().getPort()));
        p.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        p.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        p.setProperty(BrokerConstants.ALLOW_ZERO_BYTE_CLIENT_ID_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
        p.setProperty(BrokerConstants.METRICS_ENABLE_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.BUGSNAG_ENABLE_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, String.valueOf(settings.maxMessageBytes()));
        p.setProperty(BrokerConstants.BUFFER_FLUSH_MS_PROPERTY_NAME, "immediate");
        return p;
    }

    /** Where the broker listens. */
    public InetSocketAddress address() {
        return address;
    }

    /** Number of connected MQTT clients. */
    public int connectedClients() {
        return server.listConnectedClients().size();
    }

    /** Closes the listener and drops every client and session. */
    @Override
    public void close() {
        server.stopServer();
    }

    private static void stopQuietly(Server server) {
        try {
            server.stopServer();
        } catch (RuntimeException ignored) {
            // It never fully started; nothing more to release.
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
