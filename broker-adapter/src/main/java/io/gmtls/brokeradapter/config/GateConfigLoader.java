package io.gmtls.brokeradapter.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
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
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ReceiverSettings;

/**
 * Reads a gate configuration from YAML (see the module README for every key). Every problem is
 * reported as a {@link ConfigException} naming the file and the dotted key; unknown keys are errors.
 */
public final class GateConfigLoader {

    private static final int MAX_FILE_BYTES = 1024 * 1024;

    private GateConfigLoader() {
    }

    /** Loads and validates a configuration file. */
    public static GateConfig load(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(source + ": file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(source, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses and validates configuration text; {@code source} names it in error messages. */
    public static GateConfig parse(String source, String yamlText) {
        Map<?, ?> root = readYaml(source, new StringReader(yamlText));
        YamlSection top = new YamlSection(source, "", root);

        InetSocketAddress listen = address(top, "listen", true);
        GatewayAllowList gateways;
        try {
            gateways = GatewayAllowList.of(top.stringList("gateways"));
        } catch (IllegalArgumentException e) {
            throw top.error("gateways", e.getMessage());
        }

        YamlSection limitsSection = top.section("limits");
        GateLimits limits = limits(limitsSection);

        YamlSection pp = top.section("proxy-protocol");
        ReceiverSettings proxyProtocol;
        int maxHeader = pp.integer("max-header-bytes", HeaderOptions.DEFAULT_MAX_HEADER_BYTES,
                ReceiverSettings.MIN_MAX_HEADER_BYTES, HeaderOptions.MAX_MAX_HEADER_BYTES);
        boolean requireCrc = pp.bool("require-crc32c", false);
        try {
            proxyProtocol = new ReceiverSettings(maxHeader, requireCrc, limits.handshakeTimeout());
        } catch (IllegalArgumentException e) {
            throw limitsSection.error("handshake-timeout", e.getMessage());
        }
        pp.rejectUnknownKeys();

        YamlSection brokerSection = top.section("broker");
        Optional<EmbeddedBrokerSettings> embedded = embeddedBroker(brokerSection);
        HostPort hostPort;
        if (embedded.isPresent()) {
            if (brokerSection.has("address")) {
                throw brokerSection.error("address", "give broker.address or broker.embedded, not both");
            }
            hostPort = embeddedTarget(embedded.get().bind());
        } else {
            hostPort = hostPort(brokerSection, "address", brokerSection.optionalString("address").orElseThrow(
                    () -> brokerSection.error("address", "is required (or broker.embedded)")));
        }
        BrokerTarget broker = build(brokerSection, "connect-timeout", () -> new BrokerTarget(hostPort.host(),
                hostPort.port(), brokerSection.duration("connect-timeout", Duration.ofSeconds(5))));
        brokerSection.rejectUnknownKeys();

        YamlSection caSection = top.section("ca");
        URI url;
        try {
            url = new URI(caSection.requiredString("authn-url"));
        } catch (URISyntaxException e) {
            throw caSection.error("authn-url", "not a URL");
        }
        Duration caTimeout = caSection.duration("timeout", Duration.ofSeconds(3));
        int maxResponse = caSection.integer("max-response-bytes", 64 * 1024, 256, 16 * 1024 * 1024);
        int maxConcurrent = caSection.integer("max-concurrent-requests", 256, 1, 100_000);
        Optional<String> apiKey = apiKey(caSection);
        List<X509Certificate> trust = caTrust(caSection);
        if (!trust.isEmpty() && !"https".equalsIgnoreCase(url.getScheme())) {
            throw caSection.error("trust", "is only for an https authn-url");
        }
        CaSettings ca = build(caSection, "authn-url",
                () -> new CaSettings(url, caTimeout, maxResponse, maxConcurrent, apiKey, trust));
        caSection.rejectUnknownKeys();

        YamlSection policySection = top.section("policy");
        GatePolicy policy = new GatePolicy(
                policySection.bool("username-from-cn", false),
                policySection.bool("enforce-acl", false),
                policySection.bool("require-certificate-serial", false),
                policySection.bool("require-clientid-equals-cn", false));
        policySection.rejectUnknownKeys();

        YamlSection metricsSection = top.section("metrics");
        Optional<InetSocketAddress> metricsListen = metricsSection.has("listen")
                ? Optional.of(address(metricsSection, "listen", true)) : Optional.empty();
        metricsSection.rejectUnknownKeys();

        top.rejectUnknownKeys();
        return new GateConfig(listen, gateways, proxyProtocol, broker, ca, limits, policy, metricsListen, embedded);
    }

    /** {@code ca.trust}: a PEM file of the CA certificates the HTTPS endpoint's certificate must chain to. */
    private static List<X509Certificate> caTrust(YamlSection s) {
        Optional<String> file = s.optionalString("trust");
        if (file.isEmpty()) {
            return List.of();
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(file.get()))) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw s.error("trust", "cannot read " + file.get());
        } catch (CertificateException | RuntimeException e) {
            throw s.error("trust", file.get() + " is not a PEM file of certificates");
        }
        if (certificates.isEmpty()) {
            throw s.error("trust", file.get() + " holds no certificate");
        }
        return List.copyOf(certificates);
    }

    /** {@code broker.embedded}: {@code bind} (required) and {@code max-message-bytes}. */
    private static Optional<EmbeddedBrokerSettings> embeddedBroker(YamlSection brokerSection) {
        if (!brokerSection.has("embedded")) {
            brokerSection.section("embedded");
            return Optional.empty();
        }
        YamlSection s = brokerSection.section("embedded");
        InetSocketAddress bind = address(s, "bind", true);
        int maxMessage = s.integer("max-message-bytes", EmbeddedBrokerSettings.DEFAULT_MAX_MESSAGE_BYTES, 64,
                GateLimits.MQTT_MAX_PACKET_BYTES);
        s.rejectUnknownKeys();
        return Optional.of(build(s, "bind", () -> new EmbeddedBrokerSettings(bind, maxMessage)));
    }

    /** Where the gate reaches an embedded broker: its bind address, loopback for a wildcard bind. */
    private static HostPort embeddedTarget(InetSocketAddress bind) {
        java.net.InetAddress a = bind.getAddress();
        String host = a.isAnyLocalAddress()
                ? (a instanceof java.net.Inet6Address ? "::1" : "127.0.0.1") : a.getHostAddress();
        return new HostPort(host, bind.getPort());
    }

    /**
     * The CA API key, from a file ({@code api-key-file}) or an environment variable
     * ({@code api-key-env}), never from the YAML itself: configuration files get copied and shown.
     */
    private static Optional<String> apiKey(YamlSection s) {
        Optional<String> file = s.optionalString("api-key-file");
        Optional<String> env = s.optionalString("api-key-env");
        if (file.isPresent() && env.isPresent()) {
            throw s.error("api-key-file", "give api-key-file or api-key-env, not both");
        }
        String key;
        if (file.isPresent()) {
            try {
                Path path = Path.of(file.get());
                if (Files.size(path) > 4096) {
                    throw s.error("api-key-file", "file is larger than 4096 bytes");
                }
                key = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException | java.nio.file.InvalidPathException e) {
                throw s.error("api-key-file", "cannot read " + file.get());
            }
            if (key.isEmpty()) {
                throw s.error("api-key-file", file.get() + " is empty");
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
            throw s.error(file.isPresent() ? "api-key-file" : "api-key-env",
                    "the key must be 1..256 printable ASCII characters");
        }
        return Optional.of(key);
    }

    private static GateLimits limits(YamlSection s) {
        int maxConnections = s.integer("max-connections", 10_000, 1, 10_000_000);
        Duration handshake = s.duration("handshake-timeout", Duration.ofSeconds(10));
        int maxConnect = s.integer("max-connect-bytes", 16 * 1024, 64, 1024 * 1024);
        int maxMessage = s.integer("max-message-bytes", 1024 * 1024, 64, GateLimits.MQTT_MAX_PACKET_BYTES);
        int maxPipelined = s.integer("max-pipelined-bytes", 64 * 1024, 0, 16 * 1024 * 1024);
        GateLimits limits = build(s, "handshake-timeout",
                () -> new GateLimits(maxConnections, handshake, maxConnect, maxMessage, maxPipelined));
        s.rejectUnknownKeys();
        return limits;
    }

    private static <T> T build(YamlSection section, String key, java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException e) {
            throw section.error(key, e.getMessage());
        }
    }

    private static Map<?, ?> readYaml(String source, Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(MAX_FILE_BYTES);
        Object document;
        try {
            document = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": must be a YAML mapping of keys (listen, gateways, broker, ca, ...)");
        }
        return map;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort hostPort(YamlSection section, String key, String text) {
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw section.error(key, "write [IPv6]:port");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw section.error(key, "write host:port (IPv6 as [addr]:port)");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        if (!portText.matches("\\d{1,5}")) {
            throw section.error(key, "port must be a number 0..65535");
        }
        int port = Integer.parseInt(portText);
        if (port > 65535 || host.isBlank()) {
            throw section.error(key, "write host:port with a port 0..65535");
        }
        return new HostPort(host, port);
    }

    private static InetSocketAddress address(YamlSection section, String key, boolean required) {
        Optional<String> text = section.optionalString(key);
        if (text.isEmpty()) {
            if (required) {
                throw section.error(key, "is required (host:port)");
            }
            return null;
        }
        HostPort hp = hostPort(section, key, text.get());
        InetSocketAddress address = new InetSocketAddress(hp.host(), hp.port());
        if (address.isUnresolved()) {
            throw section.error(key, "host does not resolve");
        }
        return address;
    }
}
