package io.gmtls.proxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.config.ConfigDocument;
import io.gmtls.config.ConfigException;
import io.gmtls.config.ConfigNode;

import io.gmtls.proxy.config.ListenerConfig.ClientAuthMode;
import io.gmtls.proxy.config.TlsConfig.TlsCertificateConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig.Balance;
import io.gmtls.proxy.config.UpstreamGroupConfig.HealthCheckConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig.ProxyProtocolConfig;
import io.gmtls.proxy.tls.Tls13ServerContexts;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.OptionalTlv;
import io.gmtls.tlcp.TlcpCipherSuite;

/**
 * Reads and validates the YAML configuration into {@link GatewayConfig}. Types, ranges, required and
 * unknown keys and files that must exist are checked while reading, each error naming its key; the
 * records re-check their ranges for configurations built in code, and {@link GatewayConfig#validate()}
 * checks the rules between sections (upstream references, names, trust for client certificates).
 * Whether certificates and keys parse and match is checked when the listeners are built, with errors in
 * the same {@code file: key: problem} form.
 *
 * <p>Keys are kebab-case ({@code max-connections}); the camelCase spellings of earlier releases
 * ({@code maxConnections}) still load, with one warning per file listing what to rename. Relative
 * paths are resolved against the configuration file's folder. The reading itself (types, unknown keys,
 * durations, addresses) is {@link ConfigNode}'s, shared with the auth gate.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final int MAX_SECRET_BYTES = 4096;

    private ConfigLoader() {
    }

    /**
     * Reads and validates a configuration file; old (camelCase) key spellings are read and logged in
     * one warning.
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        return load(file, LOG::warn);
    }

    /**
     * Reads and validates a configuration file.
     *
     * @param warnings receives at most one message: the deprecated key spellings the file uses
     */
    public static GatewayConfig load(Path file, Consumer<String> warnings) throws ConfigException {
        ConfigDocument document = ConfigDocument.read(file, ConfigDocument.Spelling.KEBAB_OR_LEGACY_CAMEL);
        GatewayConfig config = parse(file, document.root());
        document.deprecationWarning().ifPresent(warnings);
        return config;
    }

    private static GatewayConfig parse(Path file, ConfigNode root) throws ConfigException {
        String nodeId = root.string("node-id", "gw");
        GatewayConfig.Transport transport = root.enumValue("transport", GatewayConfig.Transport.class,
                GatewayConfig.Transport.AUTO);
        int ioThreads = root.integer("io-threads", 0, 0, 1024);
        Optional<Secret> passphrase = root.has("key-passphrase-file")
                ? Optional.of(readSecret(root, "key-passphrase-file")) : Optional.empty();

        Map<String, UpstreamGroupConfig> upstreams = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : root.namedChildren("upstreams").entrySet()) {
            upstreams.put(entry.getKey(), upstreamGroup(entry.getKey(), entry.getValue()));
        }

        List<ListenerConfig> listeners = new ArrayList<>();
        for (ConfigNode node : root.children("listeners")) {
            listeners.add(listener(node));
        }

        RevocationConfig revocation = revocation(root);
        Optional<AdminConfig> admin = Optional.empty();
        if (root.has("admin")) {
            ConfigNode node = root.child("admin");
            InetSocketAddress bind = adminBind(node);
            Optional<Secret> token = node.has("token-file") ? Optional.of(readSecret(node, "token-file")) : Optional.empty();
            node.checkNoUnknownKeys();
            admin = Optional.of(new AdminConfig(bind, token));
        }
        ReloadConfig reload = new ReloadConfig(true, Duration.ofSeconds(5));
        if (root.has("reload")) {
            ConfigNode node = root.child("reload");
            reload = new ReloadConfig(node.bool("watch", true),
                    node.duration("poll-interval", Duration.ofSeconds(5), Duration.ofMillis(50)));
            node.checkNoUnknownKeys();
        }
        Duration drain = Duration.ofSeconds(30);
        if (root.has("shutdown")) {
            ConfigNode node = root.child("shutdown");
            drain = node.duration("drain-timeout", drain, Duration.ZERO);
            node.checkNoUnknownKeys();
        }
        WarmUpConfig warmUp = warmUp(root);
        root.checkNoUnknownKeys();
        Duration drainTimeout = drain;
        ReloadConfig reloadConfig = reload;
        Optional<AdminConfig> adminConfig = admin;
        GatewayConfig config = root.build("node-id", () -> new GatewayConfig(file, nodeId, transport, ioThreads,
                listeners, upstreams, revocation, adminConfig, reloadConfig, drainTimeout, passphrase, warmUp));
        config.validate();
        return config;
    }

    /**
     * The admin address: loopback unless a host is named. Missing means {@code 127.0.0.1:9090}; a bare
     * {@code :port} means that port on loopback (an all-interfaces bind must be written out,
     * {@code 0.0.0.0:port}).
     */
    private static InetSocketAddress adminBind(ConfigNode node) throws ConfigException {
        if (!node.has("bind")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), AdminConfig.DEFAULT_PORT);
        }
        String text = node.string("bind").trim();
        if (text.startsWith(":")) {
            InetSocketAddress port = node.parseSocketAddress("bind", text, true);
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getPort());
        }
        return node.socketAddress("bind", true);
    }

    private static ListenerConfig listener(ConfigNode node) throws ConfigException {
        String name = node.string("name");
        InetSocketAddress bind = node.socketAddress("bind", true);
        boolean reusePort = node.bool("reuse-port", false);
        String upstream = node.string("upstream");
        List<SniRoute> routes = new ArrayList<>();
        for (ConfigNode route : node.children("routes")) {
            String sni = route.string("sni");
            String group = route.string("upstream");
            route.checkNoUnknownKeys();
            routes.add(new SniRoute(sni, group));
        }
        ClientAuthMode clientAuth = node.enumValue("client-auth", ClientAuthMode.class, ClientAuthMode.REQUIRED);
        boolean plaintext = node.bool("plaintext", false);
        Optional<TlcpConfig> tlcp = node.has("tlcp") ? Optional.of(tlcp(node.child("tlcp"))) : Optional.empty();
        Optional<TlsConfig> tls = node.has("tls") ? Optional.of(tls(node.child("tls"))) : Optional.empty();
        LimitsConfig limits = limits(node);
        node.checkNoUnknownKeys();
        return new ListenerConfig(name, bind, reusePort, upstream, routes, clientAuth, tlcp, tls, plaintext, limits);
    }

    private static TlcpConfig tlcp(ConfigNode node) throws ConfigException {
        Path signCert = node.existingFile("sign-cert");
        Path signKey = node.existingFile("sign-key");
        Path encCert = node.existingFile("enc-cert");
        Path encKey = node.existingFile("enc-key");
        Optional<Path> trust = node.optionalExistingFile("trust");
        List<TlcpCipherSuite> suites = new ArrayList<>();
        List<String> names = node.stringList("cipher-suites");
        for (int i = 0; i < names.size(); i++) {
            TlcpCipherSuite suite = tlcpSuite(names.get(i));
            if (suite == null) {
                throw itemError(node, "cipher-suites", i,
                        "unknown TLCP cipher suite '" + names.get(i) + "' (known: ECC-SM2-SM4-GCM-SM3, "
                                + "ECC-SM2-SM4-CBC-SM3, ECDHE-SM2-SM4-GCM-SM3, ECDHE-SM2-SM4-CBC-SM3)");
            }
            if (suites.contains(suite)) {
                throw itemError(node, "cipher-suites", i,
                        "cipher suite '" + names.get(i) + "' is listed twice");
            }
            suites.add(suite);
        }
        if (suites.isEmpty()) {
            suites = List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECDHE_SM4_GCM_SM3,
                    TlcpCipherSuite.ECC_SM4_CBC_SM3, TlcpCipherSuite.ECDHE_SM4_CBC_SM3);
        }
        int cacheSize = node.integer("session-cache-size", 10_000, 0, 10_000_000);
        Duration sessionTimeout = node.duration("session-timeout", Duration.ofHours(1), Duration.ofSeconds(1));
        boolean sessionTickets = node.bool("session-tickets", true);
        Optional<Path> ticketKeys = node.optionalExistingFile("ticket-keys");
        if (!sessionTickets && ticketKeys.isPresent()) {
            throw node.error("ticket-keys", "is set but session-tickets is false");
        }
        node.checkNoUnknownKeys();
        return new TlcpConfig(signCert, signKey, encCert, encKey, trust, suites, cacheSize, sessionTimeout,
                sessionTickets, ticketKeys);
    }

    /** Accepts the OpenSSL name ({@code ECC-SM2-SM4-GCM-SM3}) or the Java name ({@code ECC_SM4_GCM_SM3}). */
    static TlcpCipherSuite tlcpSuite(String name) {
        for (TlcpCipherSuite suite : TlcpCipherSuite.values()) {
            if (suite.openSslName().equalsIgnoreCase(name) || suite.name().equalsIgnoreCase(name)) {
                return suite;
            }
        }
        return null;
    }

    private static TlsConfig tls(ConfigNode node) throws ConfigException {
        List<TlsCertificateConfig> certificates = new ArrayList<>();
        for (ConfigNode cert : node.children("certificates")) {
            Path chain = cert.existingFile("chain");
            Path key = cert.existingFile("key");
            List<String> serverNames = cert.stringList("server-names");
            cert.checkNoUnknownKeys();
            certificates.add(new TlsCertificateConfig(chain, key, serverNames));
        }
        if (certificates.isEmpty()) {
            throw node.error("certificates", "at least one certificate (chain + key) is required");
        }
        List<Path> trust = new ArrayList<>();
        List<String> trustFiles = node.stringList("trust");
        for (int i = 0; i < trustFiles.size(); i++) {
            trust.add(node.checkFile("trust[" + i + "]", node.resolve("trust", trustFiles.get(i))));
        }
        List<String> suites = node.stringList("cipher-suites");
        for (int i = 0; i < suites.size(); i++) {
            if (!Tls13ServerContexts.SUPPORTED_CIPHER_SUITES.contains(suites.get(i))) {
                throw itemError(node, "cipher-suites", i,
                        "unknown TLS 1.3 cipher suite '" + suites.get(i) + "' (known: "
                                + String.join(", ", Tls13ServerContexts.SUPPORTED_CIPHER_SUITES) + ")");
            }
            if (suites.indexOf(suites.get(i)) != i) {
                throw itemError(node, "cipher-suites", i,
                        "cipher suite '" + suites.get(i) + "' is listed twice");
            }
        }
        node.checkNoUnknownKeys();
        return new TlsConfig(certificates, trust, suites);
    }

    /** {@code warm-up: off} (YAML reads off as false), or a mapping {@code {handshakes: N, max-time: D}}. */
    private static WarmUpConfig warmUp(ConfigNode root) throws ConfigException {
        if (!root.has("warm-up")) {
            return WarmUpConfig.DEFAULT;
        }
        if (!root.isMapping("warm-up")) {
            return root.bool("warm-up", true) ? WarmUpConfig.DEFAULT : WarmUpConfig.OFF;
        }
        ConfigNode node = root.child("warm-up");
        int handshakes = node.integer("handshakes", WarmUpConfig.DEFAULT.handshakes(), 0, 1_000_000);
        Duration maxTime = node.duration("max-time", WarmUpConfig.DEFAULT.maxTime(), Duration.ZERO);
        node.checkNoUnknownKeys();
        return node.build("handshakes", () -> new WarmUpConfig(handshakes > 0 && !maxTime.isZero(), handshakes, maxTime));
    }

    private static LimitsConfig limits(ConfigNode listener) throws ConfigException {
        ConfigNode node = listener.childOrEmpty("limits");
        int max = node.integer("max-connections", 10_000, 1, 10_000_000);
        int perSource = node.integer("max-connections-per-source", max, 1, 10_000_000);
        int rate = node.integer("accept-rate", 0, 0, 10_000_000);
        int burst = node.integer("accept-burst", Math.max(rate, 1), 1, 10_000_000);
        Duration handshake = node.duration("handshake-timeout", Duration.ofSeconds(10), Duration.ofMillis(10));
        Duration idle = node.duration("idle-timeout", Duration.ofMinutes(5), Duration.ZERO);
        int handshakes = node.integer("max-handshakes", Math.min(max, LimitsConfig.DEFAULT_MAX_HANDSHAKES), 1, 10_000_000);
        if (handshakes > max) {
            throw node.error("max-handshakes", "must not exceed max-connections (" + max + "), was " + handshakes);
        }
        int handshakesPerSource = node.integer("max-handshakes-per-source", Math.min(perSource, handshakes), 1, 10_000_000);
        if (handshakesPerSource > handshakes) {
            throw node.error("max-handshakes-per-source", "must not exceed max-handshakes (" + handshakes + "), was "
                    + handshakesPerSource);
        }
        int fullPerSecond = node.integer("full-handshakes-per-second", 0, 0, 10_000_000);
        node.checkNoUnknownKeys();
        return new LimitsConfig(max, perSource, rate, burst, handshake, idle, handshakes, handshakesPerSource,
                fullPerSecond);
    }

    private static UpstreamGroupConfig upstreamGroup(String name, ConfigNode node) throws ConfigException {
        Balance balance = node.enumValue("balance", Balance.class, Balance.ROUND_ROBIN);
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> texts = node.stringList("servers");
        for (int i = 0; i < texts.size(); i++) {
            InetSocketAddress address = node.parseSocketAddress("servers[" + i + "]", texts.get(i), false);
            if (address.getPort() == 0) {
                throw node.error("servers[" + i + "]", "port 0 is not a server port");
            }
            if (servers.contains(address)) {
                throw node.error("servers[" + i + "]", texts.get(i) + " is listed twice");
            }
            servers.add(address);
        }
        if (servers.isEmpty()) {
            throw node.error("servers", "at least one server (host:port) is required");
        }
        Duration connectTimeout = node.duration("connect-timeout", Duration.ofSeconds(3), Duration.ofMillis(10));
        HealthCheckConfig health = new HealthCheckConfig(true, Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 3);
        if (node.has("health-check")) {
            ConfigNode hc = node.child("health-check");
            health = new HealthCheckConfig(hc.bool("enabled", true),
                    hc.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(10)),
                    hc.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(10)),
                    hc.integer("rise", 2, 1, 100), hc.integer("fall", 3, 1, 100));
            hc.checkNoUnknownKeys();
        }
        ProxyProtocolConfig pp = new ProxyProtocolConfig(true, HeaderOptions.defaults());
        if (node.has("proxy-protocol")) {
            ConfigNode ppNode = node.child("proxy-protocol");
            boolean enabled = ppNode.bool("enabled", true);
            boolean crc = ppNode.bool("crc32c", false);
            int max = ppNode.integer("max-header-bytes", HeaderOptions.DEFAULT_MAX_HEADER_BYTES,
                    HeaderOptions.MIN_MAX_HEADER_BYTES, HeaderOptions.MAX_MAX_HEADER_BYTES);
            List<String> tlvs = ppNode.has("tlvs") ? ppNode.stringList("tlvs")
                    : EnumSet.allOf(OptionalTlv.class).stream().map(OptionalTlv::configName).toList();
            HeaderOptions header;
            try {
                header = HeaderOptions.parse(ppNode.key("tlvs"), tlvs, max);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(node.document().source(), "", e.getMessage(), e);
            }
            header = header.withCrc32c(crc || header.crc32c());
            ppNode.checkNoUnknownKeys();
            pp = new ProxyProtocolConfig(enabled, header);
        }
        node.checkNoUnknownKeys();
        return new UpstreamGroupConfig(name, balance, servers, connectTimeout, health, pp);
    }

    private static RevocationConfig revocation(ConfigNode root) throws ConfigException {
        if (!root.has("revocation")) {
            return new RevocationConfig(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), RevocationConfig.ExpiredCrl.FAIL_CLOSED, List.of());
        }
        ConfigNode node = root.child("revocation");
        Duration refresh = node.duration("refresh-interval", Duration.ofMinutes(5), Duration.ofMillis(50));
        Duration fetchTimeout = node.duration("fetch-timeout", Duration.ofSeconds(10), Duration.ofMillis(50));
        Duration connectTimeout = node.duration("connect-timeout", min(Duration.ofSeconds(5), fetchTimeout),
                Duration.ofMillis(10));
        if (connectTimeout.compareTo(fetchTimeout) > 0) {
            throw node.error("connect-timeout", "must not exceed fetch-timeout (" + fetchTimeout.toMillis() + " ms)");
        }
        Duration readTimeout = node.duration("read-timeout", fetchTimeout, Duration.ofMillis(10));
        if (readTimeout.compareTo(fetchTimeout) > 0) {
            throw node.error("read-timeout", "must not exceed fetch-timeout (" + fetchTimeout.toMillis() + " ms)");
        }
        RevocationConfig.ExpiredCrl expired = node.enumValue("expired-crl", RevocationConfig.ExpiredCrl.class,
                RevocationConfig.ExpiredCrl.FAIL_CLOSED);
        List<CrlConfig> crls = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode crl : node.children("crls")) {
            String source = crl.string("source");
            Optional<Path> file = Optional.empty();
            Optional<URI> url = Optional.empty();
            if (source.startsWith("http://") || source.startsWith("https://")) {
                try {
                    URI uri = new URI(source);
                    if (uri.getHost() == null) {
                        throw crl.error("source", "URL '" + source + "' has no host");
                    }
                    url = Optional.of(uri);
                } catch (URISyntaxException e) {
                    throw crl.error("source", "malformed URL: " + e.getMessage());
                }
            } else {
                // A CRL file may be missing at start (published later): it's an error only when no CRL loads.
                file = Optional.of(crl.resolve("source", source));
            }
            Path issuer = crl.existingFile("issuer");
            String name = crl.string("name", file.map(f -> f.getFileName().toString()).orElse(source));
            if (!names.add(name)) {
                throw crl.error("name", "CRL name '" + name + "' is used twice");
            }
            crl.checkNoUnknownKeys();
            crls.add(new CrlConfig(name, file, url, issuer));
        }
        Optional<FeedConfig> feed = node.has("feed") ? Optional.of(feed(node.child("feed"))) : Optional.empty();
        node.checkNoUnknownKeys();
        return new RevocationConfig(refresh, fetchTimeout, connectTimeout, readTimeout, expired, crls, feed);
    }

    /**
     * {@code revocation.feed}: the CA's revocation feed. The API key is read from a file or an environment
     * variable, never written in the configuration itself (which is often world-readable and versioned).
     */
    private static FeedConfig feed(ConfigNode node) throws ConfigException {
        List<URI> urls = new ArrayList<>();
        List<String> texts = node.stringList("urls");
        for (int i = 0; i < texts.size(); i++) {
            String key = "urls[" + i + "]";
            URI uri;
            try {
                uri = new URI(texts.get(i));
            } catch (URISyntaxException e) {
                throw node.error(key, "malformed URL: " + e.getMessage());
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw node.error(key, "'" + texts.get(i) + "' is not an http:// or https:// URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                throw node.error(key, "credentials in the URL are not allowed (use api-key-file or api-key-env)");
            }
            if (urls.contains(uri)) {
                throw node.error(key, "'" + texts.get(i) + "' is listed twice");
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw node.error("urls", "at least one feed URL is required");
        }
        // There is no inline api-key: a key written in the configuration ends up in backups and repositories
        // (it is refused as an unknown key whose message lists api-key-file and api-key-env).
        boolean hasFile = node.has("api-key-file");
        boolean hasEnv = node.has("api-key-env");
        if (hasFile == hasEnv) {
            throw node.error("api-key-file", hasFile ? "give api-key-file or api-key-env, not both"
                    : "the feed needs an API key from api-key-file or api-key-env (never inline)");
        }
        Secret key;
        Optional<Path> keyFile = Optional.empty();
        Optional<String> keyEnv = Optional.empty();
        if (hasFile) {
            key = readSecret(node, "api-key-file");
            keyFile = Optional.of(node.existingFile("api-key-file"));
        } else {
            String variable = node.string("api-key-env");
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw node.error("api-key-env", "'" + variable + "' is not an environment variable name");
            }
            String value = System.getenv(variable);
            if (value == null || value.isBlank()) {
                throw node.error("api-key-env", "environment variable " + variable + " is not set or empty");
            }
            if (value.length() > MAX_SECRET_BYTES) {
                throw node.error("api-key-env", "environment variable " + variable + " is longer than "
                        + MAX_SECRET_BYTES + " characters");
            }
            key = new Secret(value.strip().toCharArray());
            keyEnv = Optional.of(variable);
        }
        checkHeaderSafe(node, hasFile ? "api-key-file" : "api-key-env", key);
        Duration idle = node.duration("idle-timeout", Duration.ofSeconds(15), Duration.ofMillis(100));
        Duration backoff = node.duration("reconnect-backoff", Duration.ofMillis(200), Duration.ofMillis(10));
        if (backoff.compareTo(FeedConfig.MAX_BACKOFF) > 0) {
            throw node.error("reconnect-backoff", "must be at most " + FeedConfig.MAX_BACKOFF.toMillis() + " ms");
        }
        node.checkNoUnknownKeys();
        Secret apiKey = key;
        Optional<Path> file = keyFile;
        Optional<String> env = keyEnv;
        return node.build("urls", () -> new FeedConfig(urls, apiKey, file, env, idle, backoff));
    }

    /** The key goes into an HTTP header: visible ASCII only (the message never shows the key). */
    private static void checkHeaderSafe(ConfigNode node, String name, Secret secret) throws ConfigException {
        char[] chars = secret.chars();
        try {
            for (char c : chars) {
                if (c < 0x21 || c > 0x7e) {
                    throw node.error(name, "the API key contains a character other than visible ASCII");
                }
            }
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Secret readSecret(ConfigNode node, String name) throws ConfigException {
        Path file = node.existingFile(name);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_SECRET_BYTES + 1);
            if (bytes.length > MAX_SECRET_BYTES) {
                throw node.error(name, "file " + file + " is larger than " + MAX_SECRET_BYTES + " bytes");
            }
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            java.util.Arrays.fill(bytes, (byte) 0);
            if (text.isEmpty()) {
                throw node.error(name, "file " + file + " is empty");
            }
            return new Secret(text.toCharArray());
        } catch (IOException e) {
            throw node.error(name, "file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static ConfigException itemError(ConfigNode node, String name, int index, String problem) {
        return new ConfigException(node.document().source(), node.key(name) + "[" + index + "]", problem, null);
    }
}
