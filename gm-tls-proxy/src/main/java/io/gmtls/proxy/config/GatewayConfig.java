package io.gmtls.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole gateway configuration, immutable, validated by {@link ConfigLoader}.
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
        Optional<Secret> keyPassphrase) {

    /** Netty transport. */
    public enum Transport {
        /** epoll when its native library loads, NIO otherwise. */
        AUTO,
        /** epoll or fail at start. */
        EPOLL,
        /** Java NIO. */
        NIO
    }

    public GatewayConfig {
        listeners = List.copyOf(listeners);
        upstreams = Map.copyOf(upstreams);
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
        return List.copyOf(files);
    }
}
