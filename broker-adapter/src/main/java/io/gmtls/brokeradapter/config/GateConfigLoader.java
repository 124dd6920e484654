package io.gmtls.brokeradapter.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.config.ConfigDocument;
import io.gmtls.config.ConfigException;
import io.gmtls.config.ConfigNode;
import io.gmtls.config.HostPort;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ReceiverSettings;

/**
 * Reads a gate configuration from YAML (see the module README for every key). Every problem is
 * reported as a {@link ConfigException} naming the file and the dotted key; unknown keys are errors.
 * The reading itself (types, unknown keys, durations, addresses, sizes) is {@link ConfigNode}'s, shared
 * with the gateway; the records check their ranges, {@link GateConfig#validate(String)} the rules between
 * fields. Relative file paths are resolved against the configuration file's folder.
 */
public final class GateConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(GateConfigLoader.class);
    private static final int MAX_SECRET_BYTES = 4096;

    private GateConfigLoader() {
    }

    /** Loads and validates a configuration file; deprecated forms in it are logged in one warning. */
    public static GateConfig load(Path file) {
        return load(file, LOG::warn);
    }

    /**
     * Loads and validates a configuration file.
     *
     * @param warnings receives at most one message: the deprecated forms the file uses
     */
    public static GateConfig load(Path file, Consumer<String> warnings) {
        ConfigDocument document = ConfigDocument.read(file, ConfigDocument.Spelling.KEBAB);
        GateConfig config = parse(document.root());
        document.deprecationWarning().ifPresent(warnings);
        return config;
    }

    /**
     * Parses and validates configuration text; {@code source} names it in error messages, relative
     * paths are resolved against the working directory.
     */
    public static GateConfig parse(String source, String yamlText) {
        ConfigDocument document = ConfigDocument.parse(source, yamlText, Path.of(""), ConfigDocument.Spelling.KEBAB);
        GateConfig config = parse(document.root());
        document.deprecationWarning().ifPresent(LOG::warn);
        return config;
    }

    private static GateConfig parse(ConfigNode top) {
        InetSocketAddress listen = top.socketAddress("listen", true);
        GatewayAllowList gateways = top.build("gateways", () -> GatewayAllowList.of(top.stringList("gateways")));

        ConfigNode limitsSection = top.childOrEmpty("limits");
        GateLimits limits = limits(limitsSection);

        ConfigNode pp = top.childOrEmpty("proxy-protocol");
        int maxHeader = pp.size("max-header-bytes", HeaderOptions.DEFAULT_MAX_HEADER_BYTES,
                ReceiverSettings.MIN_MAX_HEADER_BYTES, HeaderOptions.MAX_MAX_HEADER_BYTES);
        boolean requireCrc = pp.bool("require-crc32c", false);
        ReceiverSettings proxyProtocol = limitsSection.build("handshake-timeout",
                () -> new ReceiverSettings(maxHeader, requireCrc, limits.handshakeTimeout()));
        pp.checkNoUnknownKeys();

        ConfigNode brokerSection = top.childOrEmpty("broker");
        Optional<EmbeddedBrokerSettings> embedded = embeddedBroker(brokerSection);
        HostPort hostPort;
        if (embedded.isPresent()) {
            if (brokerSection.has("address")) {
                throw brokerSection.error("address", "give broker.address or broker.embedded, not both");
            }
            hostPort = embeddedTarget(embedded.get().bind());
        } else {
            if (!brokerSection.has("address")) {
                throw brokerSection.error("address", "is required (or broker.embedded)");
            }
            // Not looked up here: the broker's name is resolved off the event loop at each connect.
            hostPort = brokerSection.hostPort("address", false);
        }
        Duration connectTimeout = brokerSection.duration("connect-timeout", Duration.ofSeconds(5));
        BrokerTarget broker = brokerSection.build("connect-timeout",
                () -> new BrokerTarget(hostPort.host(), hostPort.port(), connectTimeout));
        brokerSection.checkNoUnknownKeys();

        ConfigNode caSection = top.childOrEmpty("ca");
        URI url;
        try {
            url = new URI(caSection.string("authn-url"));
        } catch (URISyntaxException e) {
            throw caSection.error("authn-url", "not a URL");
        }
        Duration caTimeout = caSection.duration("timeout", Duration.ofSeconds(3));
        int maxResponse = caSection.size("max-response-bytes", 64 * 1024, 256, 16 * 1024 * 1024);
        int maxConcurrent = caSection.integer("max-concurrent-requests", 256, 1, 100_000);
        Optional<String> apiKey = apiKey(caSection);
        List<X509Certificate> trust = caTrust(caSection);
        CaSettings ca = caSection.build("authn-url",
                () -> new CaSettings(url, caTimeout, maxResponse, maxConcurrent, apiKey, trust));
        caSection.checkNoUnknownKeys();

        ConfigNode policySection = top.childOrEmpty("policy");
        GatePolicy policy = new GatePolicy(
                policySection.bool("username-from-cn", false),
                policySection.bool("enforce-acl", false),
                policySection.bool("require-certificate-serial", false),
                policySection.bool("require-clientid-equals-cn", false));
        policySection.checkNoUnknownKeys();

        ConfigNode metricsSection = top.childOrEmpty("metrics");
        Optional<InetSocketAddress> metricsListen = metricsSection.has("listen")
                ? Optional.of(metricsSection.socketAddress("listen", true)) : Optional.empty();
        metricsSection.checkNoUnknownKeys();

        top.checkNoUnknownKeys();
        GateConfig config = new GateConfig(listen, gateways, proxyProtocol, broker, ca, limits, policy, metricsListen,
                embedded);
        config.validate(top.document().source());
        return config;
    }

    /**
     * A file named by key {@code name}: relative to the configuration file's folder. Gates before the
     * shared reader resolved relative names against the working directory; such a file is still found
     * there, with a deprecation warning, so that an operator's setup keeps starting.
     */
    private static Path file(ConfigNode s, String name) {
        Path resolved = s.path(name);
        String written = s.string(name);
        Path asBefore = Path.of(written);
        if (!Files.exists(resolved) && !asBefore.isAbsolute() && Files.exists(asBefore)) {
            s.document().deprecated(s.key(name) + ": " + written + " relative to the working directory",
                    "relative to the folder of " + s.document().source());
            return asBefore;
        }
        return resolved;
    }

    /** {@code ca.trust}: a PEM file of the CA certificates the HTTPS endpoint's certificate must chain to. */
    private static List<X509Certificate> caTrust(ConfigNode s) {
        if (!s.has("trust")) {
            return List.of();
        }
        Path file = file(s, "trust");
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw s.error("trust", "cannot read " + file);
        } catch (CertificateException | RuntimeException e) {
            throw s.error("trust", file + " is not a PEM file of certificates");
        }
        if (certificates.isEmpty()) {
            throw s.error("trust", file + " holds no certificate");
        }
        return List.copyOf(certificates);
    }

    /** {@code broker.embedded}: {@code bind} (required) and {@code max-message-bytes}. */
    private static Optional<EmbeddedBrokerSettings> embeddedBroker(ConfigNode brokerSection) {
        if (!brokerSection.has("embedded")) {
            return Optional.empty();
        }
        ConfigNode s = brokerSection.child("embedded");
        if (!s.has("bind")) {
            throw s.error("bind", "is required (host:port)");
        }
        InetSocketAddress bind = s.socketAddress("bind", true);
        int maxMessage = s.size("max-message-bytes", EmbeddedBrokerSettings.DEFAULT_MAX_MESSAGE_BYTES, 64,
                GateLimits.MQTT_MAX_PACKET_BYTES);
        s.checkNoUnknownKeys();
        return Optional.of(s.build("bind", () -> new EmbeddedBrokerSettings(bind, maxMessage)));
    }

    /** Where the gate reaches an embedded broker: its bind address, loopback for a wildcard bind. */
    private static HostPort embeddedTarget(InetSocketAddress bind) {
        InetAddress a = bind.getAddress();
        String host = a.isAnyLocalAddress() ? (a instanceof Inet6Address ? "::1" : "127.0.0.1") : a.getHostAddress();
        return new HostPort(host, bind.getPort());
    }

    /**
     * The CA API key, from a file ({@code api-key-file}) or an environment variable
     * ({@code api-key-env}), never from the YAML itself: configuration files get copied and shown.
     */
    private static Optional<String> apiKey(ConfigNode s) {
        boolean fromFile = s.has("api-key-file");
        Optional<String> env = s.optionalString("api-key-env");
        if (fromFile && env.isPresent()) {
            throw s.error("api-key-file", "give api-key-file or api-key-env, not both");
        }
        String key;
        if (fromFile) {
            Path path = file(s, "api-key-file");
            try {
                if (Files.size(path) > MAX_SECRET_BYTES) {
                    throw s.error("api-key-file", "file is larger than " + MAX_SECRET_BYTES + " bytes");
                }
                key = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw s.error("api-key-file", "cannot read " + path);
            }
            if (key.isEmpty()) {
                throw s.error("api-key-file", path + " is empty");
            }
        } else if (env.isPresent()) {
            key = System.getenv(env.get());
            if (key == null || key.isBlank()) {
                throw s.error("api-key-env", "environment variable " + env.get() + " is not set");
            }
            key = key.strip();
        } else {
            return Optional.empty();
        }
        if (key.length() > 256 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw s.error(fromFile ? "api-key-file" : "api-key-env", "the key must be 1..256 printable ASCII characters");
        }
        return Optional.of(key);
    }

    private static GateLimits limits(ConfigNode s) {
        int maxConnections = s.integer("max-connections", 10_000, 1, 10_000_000);
        Duration handshake = s.duration("handshake-timeout", Duration.ofSeconds(10));
        int maxConnect = s.size("max-connect-bytes", 16 * 1024, 64, 1024 * 1024);
        int maxMessage = s.size("max-message-bytes", 1024 * 1024, 64, GateLimits.MQTT_MAX_PACKET_BYTES);
        int maxPipelined = s.size("max-pipelined-bytes", 64 * 1024, 0, 16 * 1024 * 1024);
        GateLimits limits = s.build("handshake-timeout",
                () -> new GateLimits(maxConnections, handshake, maxConnect, maxMessage, maxPipelined));
        s.checkNoUnknownKeys();
        return limits;
    }
}
