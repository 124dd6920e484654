package io.gmtls.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The one template of the gateway (gm-tls-proxy) YAML the tests write: a configuration for a certs-dev
 * PKI folder ({@code pki/} next to the YAML file), listeners on 127.0.0.1 port 0 (a free port; ask the
 * running gateway for it), upstream groups on 127.0.0.1. Only what a test sets is written, so every
 * other key keeps the gateway's default. Key spellings are the gateway's current ones, in one place.
 *
 * <pre>{@code
 * GatewayYaml.node("tbox-sim-test")
 *         .listener(Listener.devPki("mqtt", "brokers").clientAuth("required").limit("max-connections", 10000))
 *         .upstream(Upstream.of("brokers", brokerPort).healthCheck("200ms", "500ms", 1, 3))
 *         .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
 *         .writeTo(dir.resolve("gateway.yaml"));
 * }</pre>
 */
public final class GatewayYaml {

    /** TLCP trust anchors of the certs-dev PKI. */
    public static final String SM2_TRUST = "pki/sm2/trust.pem";
    /** TLS 1.3 (ECDSA) trust anchors of the certs-dev PKI. */
    public static final String ECDSA_TRUST = "pki/ecdsa/trust.pem";

    private final String nodeId;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<Upstream> upstreams = new ArrayList<>();
    private String refreshInterval;
    private final List<Crl> crls = new ArrayList<>();
    private Feed feed;
    private boolean admin;
    private String adminTokenFile;
    private Boolean watch;
    private String pollInterval;
    private String drainTimeout;
    private String warmUp = "off";

    private GatewayYaml(String nodeId) {
        this.nodeId = Objects.requireNonNull(nodeId);
    }

    /** A configuration for gateway node {@code nodeId}. */
    public static GatewayYaml node(String nodeId) {
        return new GatewayYaml(nodeId);
    }

    public GatewayYaml listener(Listener listener) {
        listeners.add(listener);
        return this;
    }

    public GatewayYaml upstream(Upstream upstream) {
        upstreams.add(upstream);
        return this;
    }

    /** The {@code revocation} section: CRLs and how often they are fetched again. */
    public GatewayYaml revocation(String refreshInterval, Crl... crls) {
        this.refreshInterval = refreshInterval;
        this.crls.addAll(List.of(crls));
        return this;
    }

    /** The {@code revocation.feed} section: the CA's revocation feed. */
    public GatewayYaml revocationFeed(Feed feed) {
        this.feed = feed;
        return this;
    }

    /** The admin endpoint on 127.0.0.1 port 0; {@code tokenFile} (relative to the YAML) or null for none. */
    public GatewayYaml admin(String tokenFile) {
        this.admin = true;
        this.adminTokenFile = tokenFile;
        return this;
    }

    /** The {@code reload} section; {@code pollInterval} null leaves the default. */
    public GatewayYaml reload(boolean watch, String pollInterval) {
        this.watch = watch;
        this.pollInterval = pollInterval;
        return this;
    }

    public GatewayYaml drainTimeout(String drainTimeout) {
        this.drainTimeout = drainTimeout;
        return this;
    }

    /**
     * The {@code warm-up} value as YAML ({@code off}, the default here: a test gateway should start at
     * once; or a flow mapping such as {@code "{handshakes: 200, max-time: 10s}"}); null leaves the key
     * out (the gateway's default warm-up).
     */
    public GatewayYaml warmUp(String value) {
        this.warmUp = value;
        return this;
    }

    /** The YAML text. */
    public String render() {
        StringBuilder y = new StringBuilder("node-id: ").append(nodeId).append('\n');
        if (!listeners.isEmpty()) {
            y.append("listeners:\n");
            listeners.forEach(l -> l.render(y));
        }
        if (!upstreams.isEmpty()) {
            y.append("upstreams:\n");
            upstreams.forEach(u -> u.render(y));
        }
        if (refreshInterval != null || !crls.isEmpty() || feed != null) {
            y.append("revocation:\n");
            if (refreshInterval != null) {
                y.append("  refresh-interval: ").append(refreshInterval).append('\n');
            }
            if (!crls.isEmpty()) {
                y.append("  crls:\n");
                for (Crl crl : crls) {
                    y.append("    - name: ").append(crl.name()).append('\n')
                            .append("      source: ").append(crl.source()).append('\n')
                            .append("      issuer: ").append(crl.issuer()).append('\n');
                }
            }
            if (feed != null) {
                y.append("  feed:\n    urls: [")
                        .append(feed.urls().stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(", ")))
                        .append("]\n    api-key-file: ").append(feed.apiKeyFile()).append('\n');
                if (feed.idleTimeout() != null) {
                    y.append("    idle-timeout: ").append(feed.idleTimeout()).append('\n');
                }
                if (feed.reconnectBackoff() != null) {
                    y.append("    reconnect-backoff: ").append(feed.reconnectBackoff()).append('\n');
                }
            }
        }
        if (admin) {
            y.append("admin:\n  bind: \"127.0.0.1:0\"\n");
            if (adminTokenFile != null) {
                y.append("  token-file: ").append(adminTokenFile).append('\n');
            }
        }
        if (watch != null) {
            y.append("reload:\n  watch: ").append(watch).append('\n');
            if (pollInterval != null) {
                y.append("  poll-interval: ").append(pollInterval).append('\n');
            }
        }
        if (drainTimeout != null) {
            y.append("shutdown:\n  drain-timeout: ").append(drainTimeout).append('\n');
        }
        if (warmUp != null) {
            y.append("warm-up: ").append(warmUp).append('\n');
        }
        return y.toString();
    }

    /** Writes the YAML to {@code file} (relative paths in it resolve against the file's folder). */
    public Path writeTo(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
        return file;
    }

    /** A certificate chain and its key, as files relative to the YAML. */
    public record KeyCert(String chain, String key) {

        /** The gateway's ECDSA TLS 1.3 certificate of the certs-dev PKI. */
        public static final KeyCert ECDSA = new KeyCert("pki/ecdsa/gateway-chain.pem", "pki/ecdsa/gateway.key");
        /** The gateway's SM2 TLS 1.3 (RFC 8998) certificate of the certs-dev PKI. */
        public static final KeyCert SM2_TLS13 = new KeyCert("pki/sm2/gateway-tls13-chain.pem", "pki/sm2/gateway-tls13.key");
    }

    /**
     * The CA's revocation feed: its URLs, the file holding the gateway's API key (relative to the YAML),
     * and the idle timeout and first reconnect backoff (null: the gateway's defaults).
     */
    public record Feed(List<String> urls, String apiKeyFile, String idleTimeout, String reconnectBackoff) {
        public Feed {
            urls = List.copyOf(urls);
            Objects.requireNonNull(apiKeyFile);
        }
    }

    /** A CRL the gateway loads: a file relative to the YAML or an http URL, and its issuer's certificate. */
    public record Crl(String name, String source, String issuer) {

        /** The certs-dev SM2 issuing CA's CRL file. */
        public static Crl sm2Issuing() {
            return sm2Issuing("pki/sm2/issuing-ca.crl");
        }

        /** The certs-dev SM2 issuing CA's CRL, fetched from {@code source}. */
        public static Crl sm2Issuing(String source) {
            return new Crl("sm2-issuing", source, "pki/sm2/issuing-ca.crt");
        }

        /** The certs-dev ECDSA issuing CA's CRL file. */
        public static Crl ecdsaIssuing() {
            return ecdsaIssuing("pki/ecdsa/issuing-ca.crl");
        }

        /** The certs-dev ECDSA issuing CA's CRL, fetched from {@code source}. */
        public static Crl ecdsaIssuing(String source) {
            return new Crl("ecdsa-issuing", source, "pki/ecdsa/issuing-ca.crt");
        }
    }

    /** One listener, bound to 127.0.0.1 port 0. */
    public static final class Listener {

        private final String name;
        private final String upstream;
        private final boolean plaintext;
        private String clientAuth;
        private boolean tlcp;
        private String ticketKeys;
        private List<KeyCert> tlsCertificates;
        private List<String> tlsTrust;
        private final Map<String, String> routes = new LinkedHashMap<>();
        private final Map<String, Object> limits = new LinkedHashMap<>();

        private Listener(String name, String upstream, boolean plaintext) {
            this.name = Objects.requireNonNull(name);
            this.upstream = Objects.requireNonNull(upstream);
            this.plaintext = plaintext;
        }

        /** A TLS listener with nothing configured yet: add {@link #tlcp()} and/or {@link #tls}. */
        public static Listener secure(String name, String upstream) {
            return new Listener(name, upstream, false);
        }

        /**
         * The usual listener on the certs-dev PKI: TLCP with the gateway's SM2 pair, TLS 1.3 with its
         * ECDSA and SM2 certificates, trusting both PKIs' roots.
         */
        public static Listener devPki(String name, String upstream) {
            return secure(name, upstream).tlcp().tls(List.of(KeyCert.ECDSA, KeyCert.SM2_TLS13), ECDSA_TRUST, SM2_TRUST);
        }

        /** A plain-TCP listener (no TLS at all). */
        public static Listener plaintext(String name, String upstream) {
            return new Listener(name, upstream, true);
        }

        /** {@code required}, {@code optional} or {@code none}. */
        public Listener clientAuth(String clientAuth) {
            this.clientAuth = clientAuth;
            return this;
        }

        /** TLCP with the certs-dev gateway's signing and encryption pairs, trusting the SM2 root. */
        public Listener tlcp() {
            this.tlcp = true;
            return this;
        }

        /** The TLCP session ticket key file (relative to the YAML); without it a random key per gateway. */
        public Listener ticketKeys(String file) {
            this.ticketKeys = file;
            return this;
        }

        /** TLS 1.3 with these server certificates (chosen by the client's signature algorithms) and trust files. */
        public Listener tls(List<KeyCert> certificates, String... trust) {
            this.tlsCertificates = List.copyOf(certificates);
            this.tlsTrust = List.of(trust);
            return this;
        }

        /** Connections whose SNI is {@code sni} go to upstream group {@code upstream}. */
        public Listener route(String sni, String upstream) {
            routes.put(sni, upstream);
            return this;
        }

        /**
         * One {@code limits} key, kebab-case as the gateway spells it (e.g. {@code max-connections},
         * {@code handshake-timeout}), in the order given.
         */
        public Listener limit(String key, Object value) {
            if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
                throw new IllegalArgumentException("limits key '" + key
                        + "' is not kebab-case (the gateway reads camelCase only as a deprecated spelling)");
            }
            limits.put(key, value);
            return this;
        }

        void render(StringBuilder y) {
            y.append("  - name: ").append(name).append('\n')
                    .append("    bind: \"127.0.0.1:0\"\n")
                    .append("    upstream: ").append(upstream).append('\n');
            if (plaintext) {
                y.append("    plaintext: true\n");
            }
            if (clientAuth != null) {
                y.append("    client-auth: ").append(clientAuth).append('\n');
            }
            if (tlcp) {
                y.append("""
                            tlcp:
                              sign-cert: pki/sm2/gateway-sign-chain.pem
                              sign-key: pki/sm2/gateway-sign.key
                              enc-cert: pki/sm2/gateway-enc.crt
                              enc-key: pki/sm2/gateway-enc.key
                        """).append("      trust: ").append(SM2_TRUST).append('\n');
                if (ticketKeys != null) {
                    y.append("      ticket-keys: ").append(ticketKeys).append('\n');
                }
            }
            if (tlsCertificates != null) {
                y.append("    tls:\n      certificates:\n");
                for (KeyCert c : tlsCertificates) {
                    y.append("        - chain: ").append(c.chain()).append('\n')
                            .append("          key: ").append(c.key()).append('\n');
                }
                y.append("      trust: [").append(String.join(", ", tlsTrust)).append("]\n");
            }
            if (!routes.isEmpty()) {
                y.append("    routes:\n");
                routes.forEach((sni, group) -> y.append("      - sni: ").append(sni).append('\n')
                        .append("        upstream: ").append(group).append('\n'));
            }
            if (!limits.isEmpty()) {
                y.append("    limits:\n");
                limits.forEach((k, v) -> y.append("      ").append(k).append(": ").append(v).append('\n'));
            }
        }
    }

    /** One upstream group of servers on 127.0.0.1. */
    public static final class Upstream {

        private final String name;
        private final List<Integer> ports;
        private String balance;
        private String connectTimeout;
        private String healthCheck;
        private Boolean proxyProtocol;
        private Boolean crc32c;

        private Upstream(String name, List<Integer> ports) {
            this.name = Objects.requireNonNull(name);
            this.ports = List.copyOf(ports);
        }

        /** Group {@code name} with servers at 127.0.0.1 on {@code ports}. */
        public static Upstream of(String name, int... ports) {
            return new Upstream(name, IntStream.of(ports).boxed().toList());
        }

        /** Group {@code name} with servers at 127.0.0.1 on {@code ports}. */
        public static Upstream of(String name, List<Integer> ports) {
            return new Upstream(name, ports);
        }

        /** {@code round-robin}, {@code least-connections}, ... */
        public Upstream balance(String balance) {
            this.balance = balance;
            return this;
        }

        public Upstream connectTimeout(String connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Active TCP health checks: every {@code interval}, up after {@code rise}, down after {@code fall}. */
        public Upstream healthCheck(String interval, String timeout, int rise, int fall) {
            this.healthCheck = "{interval: " + interval + ", timeout: " + timeout + ", rise: " + rise + ", fall: " + fall + "}";
            return this;
        }

        /** Whether a PPv2 header goes first to these servers (without the CRC32C TLV key: its default). */
        public Upstream proxyProtocol(boolean enabled) {
            this.proxyProtocol = enabled;
            return this;
        }

        /** Whether a PPv2 header goes first, and whether it carries a CRC32C. */
        public Upstream proxyProtocol(boolean enabled, boolean crc32c) {
            this.proxyProtocol = enabled;
            this.crc32c = crc32c;
            return this;
        }

        void render(StringBuilder y) {
            y.append("  ").append(name).append(":\n");
            if (balance != null) {
                y.append("    balance: ").append(balance).append('\n');
            }
            y.append("    servers: [")
                    .append(ports.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", ")))
                    .append("]\n");
            if (connectTimeout != null) {
                y.append("    connect-timeout: ").append(connectTimeout).append('\n');
            }
            if (healthCheck != null) {
                y.append("    health-check: ").append(healthCheck).append('\n');
            }
            if (proxyProtocol != null) {
                y.append("    proxy-protocol:\n      enabled: ").append(proxyProtocol).append('\n');
                if (crc32c != null) {
                    y.append("      crc32c: ").append(crc32c).append('\n');
                }
            }
        }
    }
}
