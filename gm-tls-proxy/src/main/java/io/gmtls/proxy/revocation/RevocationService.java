package io.gmtls.proxy.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.config.ConfigException;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.tls.PemFiles;
import io.micrometer.core.instrument.Tags;

/**
 * The gateway's CRLs: loaded at start, refreshed in the background, each checked against its CA
 * (signature by the CA's key — SM2 through BouncyCastle — and issuer name). A failed refresh keeps the
 * last good CRL and is logged and counted. When a refresh brings a new CRL, the live connections of
 * certificates it revokes are closed.
 *
 * <p>{@link #status} answers from memory (hash lookups) so handshakes can ask on the event loop.
 * Thread-safe; {@link #configure} replaces the sources on reload, keeping the CRLs already loaded for
 * unchanged sources.
 */
public final class RevocationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationService.class);

    private final Provider bc = new BouncyCastleProvider();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crl-refresh");
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

    /** One configured CRL source and the last CRL loaded from it. */
    private static final class Entry {
        final CrlConfig config;
        final X509Certificate issuer;
        final CrlSource source;
        volatile LoadedCrl current;
        volatile Instant loadedAt;

        Entry(CrlConfig config, X509Certificate issuer, CrlSource source) {
            this.config = config;
            this.issuer = issuer;
            this.source = source;
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
                issuer = PemFiles.certificates(crl.issuer()).get(0);
            } catch (IOException e) {
                throw new ConfigException(file, "revocation.crls[" + i + "].issuer", e.getMessage(), e);
            }
            list.add(new Entry(crl, issuer, new CrlSource(crl, config.fetchTimeout(), http)));
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
        for (Entry entry : prepared.entries) {
            if (entry.current == null) {
                refresh(entry);
            }
        }
        entries = List.copyOf(prepared.entries);
        byIssuer = Map.copyOf(index);
        registerGauges(prepared.entries);
        if (schedule != null) {
            schedule.cancel(false);
        }
        long period = prepared.config.refreshInterval().toMillis();
        schedule = refresher.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.MILLISECONDS);
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

    /** Reads every source again now (also called by the schedule). */
    public void refreshAll() {
        for (Entry entry : entries) {
            refresh(entry);
        }
    }

    private void refresh(Entry entry) {
        LoadedCrl loaded;
        try {
            byte[] bytes = entry.source.fetch();
            loaded = LoadedCrl.parse(bytes, entry.issuer, bc, clock.instant());
        } catch (Exception e) {
            metrics.crlRefreshFailure(entry.config.name());
            LOG.error("CRL {} from {}: refresh failed, keeping the {}: {}", entry.config.name(), entry.config.source(),
                    entry.current == null ? "gateway without this CRL (its CA's clients are refused)"
                            : "CRL of " + entry.current.thisUpdate(), e.getMessage());
            return;
        }
        LoadedCrl previous = entry.current;
        if (previous != null && loaded.thisUpdate().isBefore(previous.thisUpdate())) {
            metrics.crlRefreshFailure(entry.config.name());
            LOG.error("CRL {} from {}: thisUpdate {} is older than the CRL in use ({}); keeping the newer one",
                    entry.config.name(), entry.config.source(), loaded.thisUpdate(), previous.thisUpdate());
            return;
        }
        if (previous != null && previous.crl().equals(loaded.crl())) {
            entry.loadedAt = clock.instant();
            return;
        }
        entry.current = loaded;
        entry.loadedAt = clock.instant();
        if (loaded.nextUpdate() != null && loaded.nextUpdate().isBefore(clock.instant())) {
            LOG.warn("CRL {} from {}: nextUpdate {} has passed; using it until a newer one is published",
                    entry.config.name(), entry.config.source(), loaded.nextUpdate());
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
        List<Entry> list = byIssuer.get(issuer);
        return list == null ? RevocationStatus.GOOD : status(list, serial);
    }

    private static RevocationStatus status(List<Entry> list, BigInteger serial) {
        boolean anyLoaded = false;
        for (Entry entry : list) {
            LoadedCrl crl = entry.current;
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
        refresher.shutdownNow();
        if (gauges != null) {
            gauges.close();
        }
    }
}
