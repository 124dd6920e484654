package io.gmtls.proxy.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.security.auth.x500.X500Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.config.ConfigException;
import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.FeedConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.tlcp.RevocationStatus;
import io.micrometer.core.instrument.Tags;

/**
 * The gateway's CRLs: loaded at start, refreshed in the background, each checked against its CA
 * (signature by the CA's key — SM2 through BouncyCastle — and issuer name). A failed refresh keeps the
 * last good CRL and is logged and counted. When a refresh brings a new CRL, the live connections of
 * certificates it revokes are closed.
 *
 * <p>Each source is fetched on its own thread, bounded in time ({@link CrlSource}): a stalled URL delays
 * nothing but its own CRL. A CRL replaces the one in use only when it is newer (thisUpdate, CRL number),
 * checked and installed atomically, so concurrent refreshes of one source can't install an older CRL.
 * The last good CRL is used until its nextUpdate; after that its issuer's clients are refused
 * ({@link RevocationConfig.ExpiredCrl#FAIL_CLOSED}) or it is still used, as configured.
 *
 * <p>With {@code revocation.feed}, a {@link RevocationFeed} pushes revocations from the CA as they happen;
 * what it taught ({@link FeedRevocations}) is consulted beside the CRLs: a certificate is revoked when
 * either says so.
 *
 * <p>{@link #status} answers from memory (hash lookups) so handshakes can ask on the event loop.
 * Thread-safe; {@link #configure} replaces the sources on reload, keeping the CRLs already loaded for
 * unchanged sources.
 */
public final class RevocationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationService.class);

    /** Slack on top of the fetch timeout for a caller waiting on fetches (parsing, verification). */
    private static final Duration WAIT_MARGIN = Duration.ofSeconds(2);

    private final Provider bc = BouncyCastle.PROVIDER;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crl-refresh");
        t.setDaemon(true);
        return t;
    });
    /** One thread per fetch in progress: fetches never queue behind each other. */
    private final ExecutorService fetchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "crl-fetch");
        t.setDaemon(true);
        return t;
    });
    /** Closes HTTP fetches that are past their total time. */
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crl-fetch-deadline");
        t.setDaemon(true);
        return t;
    });
    private final LiveConnections live;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private volatile Map<X500Principal, List<Entry>> byIssuer = Map.of();
    private volatile List<Entry> entries = List.of();
    private ScheduledFuture<?> schedule;
    private GatewayMetrics.Registration gauges;
    /** What the CA's feed revoked; consulted beside the CRLs. Kept across reloads that keep a feed. */
    private final FeedRevocations feedRevocations = new FeedRevocations();
    /** The running feed client, or null without {@code revocation.feed}. */
    private volatile RevocationFeed feed;

    /** One configured CRL source and the last CRL loaded from it. */
    private static final class Entry {
        final CrlConfig config;
        final X509Certificate issuer;
        final CrlSource source;
        final RevocationConfig.ExpiredCrl expiredPolicy;
        /** A scheduled refresh is running: the schedule does not start another one behind it. */
        final AtomicBoolean scheduledInFlight = new AtomicBoolean();
        /** Written only under this entry's monitor (compare and install). */
        volatile LoadedCrl current;
        volatile Instant loadedAt;

        Entry(CrlConfig config, X509Certificate issuer, CrlSource source, RevocationConfig.ExpiredCrl expiredPolicy) {
            this.config = config;
            this.issuer = issuer;
            this.source = source;
            this.expiredPolicy = expiredPolicy;
        }

        boolean sameSource(Entry other) {
            return config.equals(other.config) && issuer.equals(other.issuer);
        }
    }

    public RevocationService(LiveConnections live, GatewayMetrics metrics, Clock clock) {
        this.live = live;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The registry of live authenticated connections closed by refreshes. */
    public LiveConnections live() {
        return live;
    }

    /**
     * Validates a revocation configuration and prepares its sources (reads the CA certificates) without
     * touching the running state.
     *
     * @throws ConfigException naming the key of an unreadable CA certificate
     */
    public Prepared prepare(Path file, RevocationConfig config) throws ConfigException {
        List<Entry> list = new ArrayList<>();
        for (int i = 0; i < config.crls().size(); i++) {
            CrlConfig crl = config.crls().get(i);
            X509Certificate issuer;
            try {
                issuer = Pem.certificates(crl.issuer()).get(0);
            } catch (IOException e) {
                throw new ConfigException(file, "revocation.crls[" + i + "].issuer", e.getMessage(), e);
            }
            CrlSource.Timeouts timeouts = new CrlSource.Timeouts(config.connectTimeout(), config.readTimeout(),
                    config.fetchTimeout());
            list.add(new Entry(crl, issuer, new CrlSource(crl, timeouts, watchdog), config.expired()));
        }
        return new Prepared(config, list);
    }

    /** A checked configuration, ready to apply. */
    public static final class Prepared {
        private final RevocationConfig config;
        private final List<Entry> entries;

        private Prepared(RevocationConfig config, List<Entry> entries) {
            this.config = config;
            this.entries = entries;
        }
    }

    /**
     * Applies a prepared configuration: CRLs of unchanged sources are kept, new sources are loaded now
     * (synchronously, so that the first handshakes already have them), then refreshes are rescheduled.
     */
    public synchronized void apply(Prepared prepared) {
        List<Entry> old = entries;
        for (Entry entry : prepared.entries) {
            for (Entry previous : old) {
                if (previous.sameSource(entry)) {
                    entry.current = previous.current;
                    entry.loadedAt = previous.loadedAt;
                }
            }
        }
        Map<X500Principal, List<Entry>> index = new HashMap<>();
        for (Entry entry : prepared.entries) {
            index.computeIfAbsent(entry.issuer.getSubjectX500Principal(), k -> new ArrayList<>()).add(entry);
        }
        index.replaceAll((k, v) -> List.copyOf(v));
        refreshAndWait(prepared.entries.stream().filter(e -> e.current == null).toList());
        entries = List.copyOf(prepared.entries);
        byIssuer = Map.copyOf(index);
        registerGauges(prepared.entries);
        if (schedule != null) {
            schedule.cancel(false);
        }
        long period = prepared.config.refreshInterval().toMillis();
        schedule = refresher.scheduleWithFixedDelay(this::scheduledRefresh, period, period, TimeUnit.MILLISECONDS);
        applyFeed(prepared.config.feed().orElse(null));
    }

    /**
     * Starts, restarts or stops the feed client. An unchanged feed keeps running (like an unchanged CRL
     * source keeps its CRL); a changed one (URLs, key, timeouts) is restarted and resumes after the last
     * applied event; a removed one is stopped and what it taught is forgotten (the CRLs alone decide).
     */
    private void applyFeed(FeedConfig next) {
        if (feed != null && feed.config().equals(next)) {
            return;
        }
        if (feed != null) {
            feed.close();
            feed = null;
        }
        if (next == null) {
            if (feedRevocations.size() > 0 || feedRevocations.seq() >= 0) {
                LOG.info("revocation feed removed from the configuration: forgetting its {} revocation(s)",
                        feedRevocations.size());
            }
            feedRevocations.clear();
            return;
        }
        feed = new RevocationFeed(next, feedRevocations, live, metrics, clock);
        feed.start();
    }

    /** The feed's state for {@code /health}, empty without a feed. */
    public Optional<RevocationFeed.Status> feedStatus() {
        RevocationFeed running = feed;
        return running == null ? Optional.empty() : Optional.of(running.status());
    }

    private void registerGauges(List<Entry> list) {
        if (gauges != null) {
            gauges.close();
        }
        GatewayMetrics.Registration all = null;
        for (Entry entry : list) {
            GatewayMetrics.Registration r = metrics.gauge("gateway.crl.age.seconds",
                    "Seconds since thisUpdate of the CRL in use (NaN when none is loaded)",
                    Tags.of("crl", entry.config.name()), entry, e -> {
                        LoadedCrl crl = e.current;
                        return crl == null ? Double.NaN
                                : Duration.between(crl.thisUpdate(), clock.instant()).toMillis() / 1000.0;
                    });
            all = all == null ? r : all.and(r);
        }
        gauges = all;
    }

    /**
     * Reads every source again now, each on its own thread, and returns when all are done or when the
     * longest fetch timeout (plus a small margin) has passed: a stalled URL never holds the caller (a
     * reload) longer than that, and never delays the other CRLs, which are installed as they arrive.
     */
    public void refreshAll() {
        refreshAndWait(entries);
    }

    /** The schedule's refresh: starts a fetch for every source that has no scheduled fetch running. */
    private void scheduledRefresh() {
        for (Entry entry : entries) {
            if (!entry.scheduledInFlight.compareAndSet(false, true)) {
                LOG.warn("CRL {} from {}: the previous scheduled fetch is still running; not starting another",
                        entry.config.name(), entry.config.source());
                continue;
            }
            try {
                fetchers.execute(() -> {
                    try {
                        refresh(entry);
                    } finally {
                        entry.scheduledInFlight.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                entry.scheduledInFlight.set(false);
                return;
            }
        }
    }

    private void refreshAndWait(List<Entry> list) {
        if (list.isEmpty()) {
            return;
        }
        Duration longest = Duration.ZERO;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Entry entry : list) {
            if (entry.source.totalTimeout().compareTo(longest) > 0) {
                longest = entry.source.totalTimeout();
            }
            try {
                running.add(CompletableFuture.runAsync(() -> refresh(entry), fetchers));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .get(longest.plus(WAIT_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("CRL refresh: not all sources answered within {} ms; they go on in the background",
                    longest.plus(WAIT_MARGIN).toMillis());
        } catch (ExecutionException e) {
            LOG.error("CRL refresh failed", e.getCause());
        }
    }

    private void refresh(Entry entry) {
        LoadedCrl loaded;
        try {
            byte[] bytes = entry.source.fetch();
            loaded = LoadedCrl.parse(bytes, entry.issuer, bc, clock.instant());
        } catch (Exception e) {
            metrics.crlRefreshFailure(entry.config.name());
            LOG.error("CRL {} from {}: refresh failed, {}: {}", entry.config.name(), entry.config.source(),
                    keeping(entry), e.getMessage());
            return;
        }
        // Compare and install under the entry's monitor: a slower concurrent refresh that fetched an
        // older CRL must not overwrite the newer one installed meanwhile.
        synchronized (entry) {
            LoadedCrl previous = entry.current;
            if (previous != null && previous.crl().equals(loaded.crl())) {
                entry.loadedAt = clock.instant();
                return;
            }
            String notNewer = previous == null ? null : loaded.whyNotNewerThan(previous);
            if (notNewer != null) {
                metrics.crlRefreshFailure(entry.config.name());
                LOG.error("CRL {} from {}: {}; keeping the newer one", entry.config.name(), entry.config.source(),
                        notNewer);
                return;
            }
            entry.current = loaded;
            entry.loadedAt = clock.instant();
        }
        if (loaded.nextUpdate() != null && loaded.nextUpdate().isBefore(clock.instant())) {
            LOG.warn("CRL {} from {}: nextUpdate {} has passed; {}", entry.config.name(), entry.config.source(),
                    loaded.nextUpdate(), entry.expiredPolicy == RevocationConfig.ExpiredCrl.FAIL_CLOSED
                            ? "its CA's clients are refused until a newer one is published (expired-crl: fail-closed)"
                            : "using it until a newer one is published (expired-crl: keep-using)");
        }
        LOG.info("CRL {} from {}: loaded, {} revoked, thisUpdate {}", entry.config.name(), entry.config.source(),
                loaded.size(), loaded.thisUpdate());
        X500Principal issuer = entry.issuer.getSubjectX500Principal();
        int closed = live.closeRevoked((i, serial) -> i.equals(issuer) && loaded.isRevoked(serial));
        for (int k = 0; k < closed; k++) {
            metrics.revokedConnectionClosed();
        }
        if (closed > 0) {
            LOG.warn("CRL {}: closed {} live connection(s) of newly revoked certificates", entry.config.name(), closed);
        }
    }

    /** What a failed refresh leaves in force, for its log line. */
    private String keeping(Entry entry) {
        LoadedCrl crl = entry.current;
        if (crl == null) {
            return "no CRL loaded (its CA's clients are refused)";
        }
        if (crl.nextUpdate() == null || entry.expiredPolicy == RevocationConfig.ExpiredCrl.KEEP_USING) {
            return "keeping the CRL of " + crl.thisUpdate();
        }
        if (crl.nextUpdate().isBefore(clock.instant())) {
            return "the CRL of " + crl.thisUpdate() + " expired at " + crl.nextUpdate()
                    + " (its CA's clients are refused)";
        }
        return "keeping the CRL of " + crl.thisUpdate() + " until its nextUpdate " + crl.nextUpdate();
    }

    /**
     * The status of a verified chain: every certificate whose issuer has a configured CRL is looked up.
     *
     * @param chain certificates, end-entity first (a trailing self-signed root is skipped)
     */
    public RevocationStatus status(List<X509Certificate> chain) {
        Map<X500Principal, List<Entry>> index = byIssuer;
        for (X509Certificate certificate : chain) {
            X500Principal issuer = certificate.getIssuerX500Principal();
            if (issuer.equals(certificate.getSubjectX500Principal())) {
                continue;
            }
            if (feedRevocations.isRevoked(issuer, certificate.getSerialNumber())) {
                return RevocationStatus.REVOKED;
            }
            List<Entry> list = index.get(issuer);
            if (list == null) {
                continue;
            }
            RevocationStatus status = status(list, certificate.getSerialNumber());
            if (status != RevocationStatus.GOOD) {
                return status;
            }
        }
        return RevocationStatus.GOOD;
    }

    /** Whether one certificate (by issuer and serial) is revoked now. */
    public RevocationStatus status(X500Principal issuer, BigInteger serial) {
        if (feedRevocations.isRevoked(issuer, serial)) {
            return RevocationStatus.REVOKED;
        }
        List<Entry> list = byIssuer.get(issuer);
        return list == null ? RevocationStatus.GOOD : status(list, serial);
    }

    private RevocationStatus status(List<Entry> list, BigInteger serial) {
        boolean anyLoaded = false;
        Instant now = null;
        for (Entry entry : list) {
            LoadedCrl crl = entry.current;
            if (crl != null && entry.expiredPolicy == RevocationConfig.ExpiredCrl.FAIL_CLOSED
                    && crl.nextUpdate() != null) {
                now = now == null ? clock.instant() : now;
                if (crl.nextUpdate().isBefore(now)) {
                    // Past its nextUpdate the CRL may miss revocations: it still revokes, but no longer vouches.
                    if (crl.isRevoked(serial)) {
                        return RevocationStatus.REVOKED;
                    }
                    continue;
                }
            }
            if (crl != null) {
                anyLoaded = true;
                if (crl.isRevoked(serial)) {
                    return RevocationStatus.REVOKED;
                }
            }
        }
        return anyLoaded ? RevocationStatus.GOOD : RevocationStatus.UNKNOWN;
    }

    @Override
    public synchronized void close() {
        if (feed != null) {
            feed.close();
            feed = null;
        }
        refresher.shutdownNow();
        fetchers.shutdownNow();
        watchdog.shutdownNow();
        if (gauges != null) {
            gauges.close();
        }
    }
}
