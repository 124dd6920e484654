package io.gmtls.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gmtls.config.ConfigException;
import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * The whole gateway configuration, immutable; each record checks its own ranges, {@link #validate()}
 * the rules between sections. Read from YAML by {@link ConfigLoader}.
 *
 * @param file          the file it was read from
 * @param nodeId        this gateway's name: prefix of connection ids, label in logs
 * @param transport     which Netty transport to use
 * @param ioThreads     event-loop threads; 0 = one per core
 * @param listeners     the ports the gateway serves
 * @param upstreams     upstream groups by name
 * @param revocation    CRL sources
 * @param admin         the admin/metrics endpoint, if any
 * @param reload        hot reload settings
 * @param drainTimeout  how long a graceful shutdown waits for live connections
 * @param keyPassphrase passphrase of encrypted private keys (read from a file), if any
 * @param warmUp        the handshakes the gateway runs on itself before its listeners open
 */
public record GatewayConfig(
        Path file,
        String nodeId,
        Transport transport,
        int ioThreads,
        List<ListenerConfig> listeners,
        Map<String, UpstreamGroupConfig> upstreams,
        RevocationConfig revocation,
        Optional<AdminConfig> admin,
        ReloadConfig reload,
        Duration drainTimeout,
        Optional<Secret> keyPassphrase,
        WarmUpConfig warmUp) {

    /** Netty transport. */
    public enum Transport {
        /** epoll when its native library loads, NIO otherwise. */
        AUTO,
        /** epoll or fail at start. */
        EPOLL,
        /** Java NIO. */
        NIO
    }

    /** Checks the node id and the thread count; rules between sections are {@link #validate()}'s. */
    public GatewayConfig {
        listeners = List.copyOf(listeners);
        upstreams = Map.copyOf(upstreams);
        if (!nodeId.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("must be 1-32 characters of A-Z a-z 0-9 . _ -");
        }
        Ranges.check("io-threads", ioThreads, 0, 1024);
        Ranges.check("drain-timeout", drainTimeout, Duration.ZERO, Durations.MAX);
    }

    /**
     * The rules between parts of the configuration: at least one listener and one upstream group,
     * listener names unique, every upstream a listener or route names defined, client certificates
     * asked only with CAs to check them, and each listener either plaintext or terminating TLCP/TLS.
     *
     * @throws ConfigException naming the file and the (kebab-case) key of the first broken rule
     */
    public void validate() throws ConfigException {
        if (upstreams.isEmpty()) {
            throw problem("upstreams", "at least one upstream group is required");
        }
        if (listeners.isEmpty()) {
            throw problem("listeners", "at least one listener is required");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            String key = "listeners[" + i + "].";
            if (!names.add(listener.name())) {
                throw problem(key + "name", "listener name '" + listener.name() + "' is used twice");
            }
            if (!upstreams.containsKey(listener.upstream())) {
                throw problem(key + "upstream", "no upstream group named '" + listener.upstream() + "' (defined: "
                        + String.join(", ", new java.util.TreeSet<>(upstreams.keySet())) + ")");
            }
            for (int r = 0; r < listener.routes().size(); r++) {
                String group = listener.routes().get(r).upstream();
                if (!upstreams.containsKey(group)) {
                    throw problem(key + "routes[" + r + "].upstream", "no upstream group named '" + group + "'");
                }
            }
            String clientAuth = listener.clientAuth().name().toLowerCase(java.util.Locale.ROOT);
            boolean asksCertificates = listener.clientAuth() != ListenerConfig.ClientAuthMode.NONE;
            if (asksCertificates && listener.tlcp().isPresent() && listener.tlcp().get().trust().isEmpty()) {
                throw problem(key + "tlcp.trust", "is required when client-auth is " + clientAuth);
            }
            if (asksCertificates && listener.tls().isPresent() && listener.tls().get().trust().isEmpty()) {
                throw problem(key + "tls.trust", "is required when client-auth is " + clientAuth);
            }
            if (listener.plaintext() && (listener.tlcp().isPresent() || listener.tls().isPresent())) {
                throw problem(key + "plaintext", "a plaintext listener takes no tlcp or tls section");
            }
            if (!listener.plaintext() && listener.tlcp().isEmpty() && listener.tls().isEmpty()) {
                throw problem(key + "tlcp", "a listener needs a tlcp or a tls section (or plaintext: true)");
            }
        }
    }

    private ConfigException problem(String key, String text) {
        return new ConfigException(file, key, text);
    }

    /** Every file the configuration reads, for change detection (the config file itself included). */
    public List<Path> watchedFiles() {
        java.util.LinkedHashSet<Path> files = new java.util.LinkedHashSet<>();
        files.add(file);
        for (ListenerConfig listener : listeners) {
            files.addAll(listener.files());
        }
        for (CrlConfig crl : revocation.crls()) {
            files.add(crl.issuer());
            crl.file().ifPresent(files::add);
        }
        revocation.feed().flatMap(FeedConfig::apiKeyFile).ifPresent(files::add);
        return List.copyOf(files);
    }
}
