package io.gmtls.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.admin.AdminServer;
import io.gmtls.proxy.admin.HealthReport;
import io.gmtls.config.ConfigException;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.proxy.config.ConfigLoader;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxy.listener.ListenerServer;
import io.gmtls.proxy.listener.TerminationInputs;
import io.gmtls.proxy.listener.Terminations;
import io.gmtls.proxy.listener.TlcpTermination;
import io.gmtls.proxy.listener.TlsTermination;
import io.gmtls.proxy.listener.Transport;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.relay.ConnectionIds;
import io.gmtls.proxy.relay.RelayContext;
import io.gmtls.proxy.relay.UpstreamConnector;
import io.gmtls.proxy.reload.ConfigWatcher;
import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.proxy.upstream.HealthChecker;
import io.gmtls.proxy.upstream.Upstream;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.gmtls.proxy.warmup.WarmUp;
import io.micrometer.core.instrument.Tags;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The running gateway: binds its listeners and admin endpoint, keeps upstream health and CRLs
 * current, reloads its configuration without dropping connections, and drains on shutdown.
 *
 * <p>A reload builds the whole next generation (certificates, keys, contexts, upstream groups, CRL
 * sources) first; only when all of it succeeded is it swapped in. A broken file leaves the running
 * generation serving and is reported with its file and key.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final LiveConnections live = new LiveConnections();
    private final RevocationService revocation;
    private final RateLimitedLog warnings = new RateLimitedLog(LoggerFactory.getLogger("io.gmtls.proxy.refusals"),
            Duration.ofSeconds(10));
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Map<String, ListenerServer> listeners = new LinkedHashMap<>();
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ConnectionIds ids;
    private volatile GatewayConfig config;
    private Map<String, UpstreamGroup> groups = Map.of();
    /** The terminations in force per listener, with what they were built from, for reuse by reloads. */
    private Map<String, Built> built = Map.of();
    private HealthChecker health;
    private GatewayMetrics.Registration upstreamGauges;
    private GatewayMetrics.Registration certificateGauges;
    private AdminServer admin;
    private ConfigWatcher watcher;
    private WarmUp.Result warmUp = WarmUp.Result.none();
    private boolean closed;

    private Gateway(GatewayConfig config) {
        this.config = config;
        this.transport = Transport.choose(config.transport());
        this.boss = transport.newGroup(1);
        this.workers = transport.newGroup(config.ioThreads());
        this.ids = new ConnectionIds(config.nodeId());
        this.revocation = new RevocationService(live, metrics, Clock.systemUTC());
    }

    /** Reads the configuration file and starts. */
    public static Gateway start(Path configFile) throws ConfigException, InterruptedException {
        return start(ConfigLoader.load(configFile));
    }

    /**
     * Starts a gateway: loads certificates, keys and CRLs, binds every listener and the admin port.
     *
     * @throws ConfigException      when certificates, keys or CA files are unusable
     * @throws IllegalStateException when a port can't be bound (the message names the listener)
     */
    public static Gateway start(GatewayConfig config) throws ConfigException, InterruptedException {
        Gateway gateway = new Gateway(config);
        boolean started = false;
        try {
            gateway.startInternal();
            started = true;
            return gateway;
        } finally {
            if (!started) {
                gateway.stopResources();
            }
        }
    }

    private void startInternal() throws ConfigException, InterruptedException {
        for (ListenerConfig lc : config.listeners()) {
            listeners.put(lc.name(), new ListenerServer(lc, ids, clients, metrics, warnings));
        }
        Generation next = prepare(config);
        apply(next);
        // Before any port opens (the admin port too, so /health is not ready): a restart in a rolling
        // deploy is when a reconnect wave hits, and a cold JVM pays several times the warm handshake cost.
        warmUp = WarmUp.run(config, new WarmUp.Loops(boss, workers, transport));
        metrics.warmUp(warmUp.handshakes(), warmUp.millis());
        for (ListenerServer server : listeners.values()) {
            var bind = server.bind(boss, workers, transport).await();
            if (!bind.isSuccess()) {
                throw new IllegalStateException("listener " + server.name() + ": cannot listen on "
                        + server.bindConfig().bind() + ": " + bind.cause().getMessage(), bind.cause());
            }
        }
        if (config.admin().isPresent()) {
            admin = new AdminServer(config.admin().get(), metrics, this::healthReport, this::reload);
            admin.bind(boss, workers, transport);
        }
        if (config.reload().watch()) {
            watcher = new ConfigWatcher(config.reload().pollInterval(), this::watchedFiles, () -> reload());
            watcher.start();
        }
        LOG.info("gateway {} started on {} transport: {}", config.nodeId(), transport.name().toLowerCase(),
                describeListeners());
    }

    private String describeListeners() {
        List<String> parts = new ArrayList<>();
        for (ListenerServer server : listeners.values()) {
            parts.add(server.name() + "=" + server.localAddress());
        }
        if (admin != null) {
            parts.add("admin=" + admin.localAddress());
        }
        return String.join(", ", parts);
    }

    /**
     * Checks everything a start would load — certificates, keys, trust bundles, CRL issuers — without
     * binding any port.
     *
     * @throws ConfigException naming the file, key and problem
     */
    public static void validate(GatewayConfig config) throws ConfigException {
        GatewayMetrics scratch = new GatewayMetrics();
        try (RevocationService service = new RevocationService(new LiveConnections(), scratch, Clock.systemUTC())) {
            service.prepare(config.file(), config.revocation());
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig lc = config.listeners().get(i);
                if (lc.tlcp().isPresent()) {
                    Terminations.tlcp(config, i, lc.tlcp().get(), lc, service);
                }
                if (lc.tls().isPresent()) {
                    Terminations.tls(config, i, lc.tls().get(), lc, service);
                }
            }
        }
    }

    /** Everything one configuration generation needs, built before anything is swapped. */
    private record Generation(GatewayConfig config, RevocationService.Prepared revocation,
            Map<String, UpstreamGroup> groups, Map<String, ListenerServer.Generation> listeners,
            Map<String, Built> built) {
    }

    /**
     * A listener's terminations and their inputs (null inputs: a file could not be read when digesting,
     * so the next reload builds anew).
     */
    private record Built(TerminationInputs tlcpInputs, TlcpTermination tlcp, TerminationInputs tlsInputs,
            TlsTermination tls) {
    }

    private Generation prepare(GatewayConfig next) throws ConfigException {
        checkListenersUnchanged(next);
        RevocationService.Prepared rev = revocation.prepare(next.file(), next.revocation());
        Map<String, UpstreamGroup> nextGroups = new LinkedHashMap<>();
        for (UpstreamGroupConfig gc : next.upstreams().values()) {
            nextGroups.put(gc.name(), new UpstreamGroup(gc, groups));
        }
        Map<String, ListenerServer.Generation> gens = new LinkedHashMap<>();
        Map<String, Built> nextBuilt = new LinkedHashMap<>();
        for (int i = 0; i < next.listeners().size(); i++) {
            ListenerConfig lc = next.listeners().get(i);
            Built previous = built.get(lc.name());
            TerminationInputs tlcpInputs = null;
            TlcpTermination tlcp = null;
            if (lc.tlcp().isPresent()) {
                // Digest before building: a file changing in between makes the next reload build again.
                tlcpInputs = TerminationInputs.tlcp(next, lc).orElse(null);
                tlcp = previous != null && tlcpInputs != null && tlcpInputs.equals(previous.tlcpInputs())
                        ? previous.tlcp() : Terminations.tlcp(next, i, lc.tlcp().get(), lc, revocation);
            }
            TerminationInputs tlsInputs = null;
            TlsTermination tls = null;
            if (lc.tls().isPresent()) {
                tlsInputs = TerminationInputs.tls(next, lc).orElse(null);
                tls = previous != null && tlsInputs != null && tlsInputs.equals(previous.tlsInputs())
                        ? previous.tls() : Terminations.tls(next, i, lc.tls().get(), lc, revocation);
            }
            ListenerServer server = listeners.get(lc.name());
            RelayContext relay = new RelayContext(lc, nextGroups, server.meters(), metrics, revocation,
                    UpstreamConnector.tcp(transport.socketChannelFactory()), warnings);
            gens.put(lc.name(), new ListenerServer.Generation(relay, tlcp, tls));
            nextBuilt.put(lc.name(), new Built(tlcpInputs, tlcp, tlsInputs, tls));
        }
        return new Generation(next, rev, nextGroups, gens, Map.copyOf(nextBuilt));
    }

    /** Addresses, ports and socket options are bound once: changing them needs a restart. */
    private void checkListenersUnchanged(GatewayConfig next) throws ConfigException {
        if (listeners.isEmpty()) {
            return;
        }
        if (next.listeners().size() != listeners.size()) {
            throw new ConfigException(next.file(), "listeners", "adding or removing listeners needs a restart");
        }
        for (int i = 0; i < next.listeners().size(); i++) {
            ListenerConfig lc = next.listeners().get(i);
            ListenerServer server = listeners.get(lc.name());
            if (server == null) {
                throw new ConfigException(next.file(), "listeners[" + i + "].name",
                        "renaming listeners needs a restart");
            }
            ListenerConfig bound = server.bindConfig();
            if (!bound.bind().equals(lc.bind()) || bound.reusePort() != lc.reusePort()
                    || bound.plaintext() != lc.plaintext()) {
                throw new ConfigException(next.file(), "listeners[" + i + "].bind",
                        "changing the address, reuse-port or plaintext of a listener needs a restart");
            }
        }
    }

    private void apply(Generation next) {
        revocation.apply(next.revocation());
        groups = next.groups();
        if (health != null) {
            health.close();
        }
        health = new HealthChecker(List.copyOf(groups.values()), workers, transport.socketChannelFactory());
        health.start();
        registerUpstreamGauges();
        registerCertificateGauges(next.config());
        next.listeners().forEach((name, gen) -> listeners.get(name).update(gen));
        int kept = 0;
        for (Map.Entry<String, Built> entry : next.built().entrySet()) {
            Built before = built.get(entry.getKey());
            if (before != null && before.tlcp() != null && before.tlcp() == entry.getValue().tlcp()) {
                kept++;
            }
        }
        if (kept > 0) {
            LOG.info("TLCP contexts of {} listener(s) unchanged: kept with their sessions and ticket keys", kept);
        }
        built = next.built();
        config = next.config();
    }

    /**
     * Seconds until each server certificate the listeners present expires (TLCP signing and encryption,
     * every TLS 1.3 chain's end entity): an expired gateway certificate refuses every vehicle, so it is
     * alerted on weeks ahead. Re-registered on reload, as the files may have changed.
     */
    private void registerCertificateGauges(GatewayConfig config) {
        if (certificateGauges != null) {
            certificateGauges.close();
        }
        GatewayMetrics.Registration all = null;
        for (ListenerConfig listener : config.listeners()) {
            List<Map.Entry<String, Path>> files = new ArrayList<>();
            listener.tlcp().ifPresent(t -> {
                files.add(Map.entry("tlcp-sign", t.signCert()));
                files.add(Map.entry("tlcp-enc", t.encCert()));
            });
            listener.tls().ifPresent(t -> t.certificates().forEach(c -> files.add(Map.entry("tls", c.chain()))));
            for (Map.Entry<String, Path> file : files) {
                X509Certificate certificate;
                try {
                    certificate = Pem.certificates(file.getValue()).get(0);
                } catch (IOException | RuntimeException e) {
                    continue; // loaded moments ago by the listener; a file replaced since then shows at the next reload
                }
                long notAfter = certificate.getNotAfter().getTime();
                GatewayMetrics.Registration r = metrics.gauge("gateway.certificate.expiry.seconds",
                        "Seconds until the server certificate expires (negative once expired)",
                        Tags.of("listener", listener.name(), "kind", file.getKey(),
                                "file", String.valueOf(file.getValue().getFileName())),
                        certificate, c -> (notAfter - System.currentTimeMillis()) / 1000.0);
                all = all == null ? r : all.and(r);
            }
        }
        certificateGauges = all;
    }

    private void registerUpstreamGauges() {
        if (upstreamGauges != null) {
            upstreamGauges.close();
        }
        GatewayMetrics.Registration all = null;
        for (UpstreamGroup group : groups.values()) {
            for (Upstream u : group.servers()) {
                Tags tags = Tags.of("group", group.name(), "server", u.label());
                GatewayMetrics.Registration r = metrics.gauge("gateway.upstream.up",
                        "1 when the upstream server passes its health checks", tags, u, s -> s.healthy() ? 1 : 0)
                        .and(metrics.gauge("gateway.upstream.connections", "Live relayed connections to the server",
                                tags, u, Upstream::connections));
                all = all == null ? r : all.and(r);
            }
        }
        upstreamGauges = all;
    }

    /**
     * Reads the configuration file again and swaps in certificates, keys, CRL sources and upstream groups.
     * Live connections keep running on what they started with.
     *
     * @return null on success, otherwise the error (file, key, problem); the old configuration keeps serving
     */
    public synchronized String reload() {
        if (closed) {
            return "gateway is shutting down";
        }
        try {
            GatewayConfig next = ConfigLoader.load(config.file());
            apply(prepare(next));
            // CRL files are watched too: a changed CRL is read now, not at the next refresh.
            revocation.refreshAll();
            metrics.reload(true);
            LOG.info("configuration reloaded from {}", next.file());
            return null;
        } catch (ConfigException e) {
            metrics.reload(false);
            LOG.error("reload refused, the running configuration keeps serving: {}", e.getMessage());
            return e.getMessage();
        } catch (RuntimeException e) {
            metrics.reload(false);
            LOG.error("reload failed, the running configuration keeps serving", e);
            return "reload failed: " + e;
        }
    }

    private List<Path> watchedFiles() {
        return config.watchedFiles();
    }

    /** Health as shown by {@code GET /health}. */
    public HealthReport healthReport() {
        Map<String, Boolean> listening = new LinkedHashMap<>();
        listeners.values().forEach(l -> listening.put(l.name(), l.accepting()));
        Map<String, int[]> upstreams = new LinkedHashMap<>();
        groups.values().forEach(g -> upstreams.put(g.name(), new int[] {g.healthyCount(), g.servers().size()}));
        java.util.Optional<HealthReport.Feed> feed = revocation.feedStatus().map(s -> new HealthReport.Feed(
                s.connected(), s.url(), s.seq(), s.lastEventAt()
                        .map(at -> Duration.between(at, java.time.Instant.now()).toMillis() / 1000.0).orElse(-1.0),
                s.lastError()));
        return new HealthReport(!closed, listening, upstreams, clients.size(), feed);
    }

    /** The address a listener is bound to. */
    public InetSocketAddress listenerAddress(String name) {
        return Objects.requireNonNull(listeners.get(name), name).localAddress();
    }

    /** The admin endpoint's address, or null without one. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /** What the start-up warm-up did. */
    public WarmUp.Result warmUp() {
        return warmUp;
    }

    /** The meters. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Live client connections. */
    public int openConnections() {
        return clients.size();
    }

    /** The configuration in force. */
    public GatewayConfig config() {
        return config;
    }

    /** Refreshes every CRL now (the background refresh does the same on its interval). */
    public void refreshCrls() {
        revocation.refreshAll();
    }

    /**
     * Graceful shutdown: stop accepting, wait for live connections to end up to {@code drain}, then
     * close what is left and stop.
     */
    public void shutdown(Duration drain) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (watcher != null) {
            watcher.close();
        }
        listeners.values().forEach(ListenerServer::stopAccepting);
        long deadline = System.nanoTime() + drain.toNanos();
        if (!clients.isEmpty()) {
            LOG.info("draining {} connection(s) for up to {} ms", clients.size(), drain.toMillis());
        }
        while (!clients.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!clients.isEmpty()) {
            LOG.warn("drain deadline reached: closing {} connection(s)", clients.size());
            clients.close().awaitUninterruptibly(5_000);
        }
        stopResources();
        LOG.info("gateway {} stopped", config.nodeId());
    }

    private void stopResources() {
        if (admin != null) {
            admin.close();
        }
        if (health != null) {
            health.close();
        }
        revocation.close();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    /** {@link #shutdown} with the configured drain timeout. */
    @Override
    public void close() {
        shutdown(config.drainTimeout());
    }
}
