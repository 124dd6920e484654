package io.gmtls.pki.service;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CaRecord;
import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The CA's health as Prometheus gauges, for the alert rules in deploy/observability:
 * <ul>
 *   <li>{@code gmtls_ca_certificate_expiry_seconds{ca}}: seconds until each CA certificate's notAfter;</li>
 *   <li>{@code gmtls_crl_age_seconds{ca}}: seconds since the thisUpdate of each issuing CA's newest full
 *       CRL (−1 before the first one);</li>
 *   <li>{@code gmtls_crl_next_update_seconds{ca}}: seconds until that CRL's nextUpdate (negative: stale);</li>
 *   <li>{@code gmtls_db_up}: 1 when a pooled connection answered a validity check at the last probe;</li>
 *   <li>{@code gmtls_audit_chain_intact}: 1 when the last full verification of the audit chain and its
 *       signed checkpoints passed, 0 when it found a break, −1 before the first;
 *       {@code gmtls_audit_chain_verified_events} the events it checked.</li>
 * </ul>
 * The database probe and the chain verification run on their own thread (a scrape never touches the
 * database); the chain is walked every {@code verifyInterval} (it reads the whole log).
 */
public final class CaHealthMetrics implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CaHealthMetrics.class);
    private static final Duration DB_PROBE_INTERVAL = Duration.ofSeconds(10);
    private static final int DB_PROBE_TIMEOUT_SECONDS = 3;
    /** How long after a failed verification the second one runs. */
    private static final Duration CONFIRM_DELAY = Duration.ofSeconds(2);
    /** The first verification waits for the start's own audit events and first checkpoint. */
    private static final Duration FIRST_VERIFICATION = Duration.ofSeconds(30);

    private final MeterRegistry registry;
    private final CaDirectory cas;
    private final PkiStores stores;
    private final DataSource dataSource;
    private final AuditAnchor anchor;
    private final Duration checkpointInterval;
    private final Duration verifyInterval;
    private final Clock clock;
    private final AtomicLong dbUp = new AtomicLong();
    private final AtomicLong auditIntact = new AtomicLong(-1);
    private final AtomicLong auditEvents = new AtomicLong();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ca-health-metrics");
        t.setDaemon(true);
        return t;
    });

    public CaHealthMetrics(MeterRegistry registry, CaDirectory cas, PkiStores stores, DataSource dataSource,
            AuditAnchor anchor, Duration checkpointInterval, Duration verifyInterval, Clock clock) {
        this.registry = registry;
        this.cas = cas;
        this.stores = stores;
        this.dataSource = dataSource;
        this.anchor = anchor;
        this.checkpointInterval = checkpointInterval;
        this.verifyInterval = verifyInterval;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        for (CaRecord ca : cas.records()) {
            X509Certificate certificate = ca.certificate();
            Gauge.builder("gmtls.ca.certificate.expiry.seconds", certificate,
                    c -> Duration.between(clock.instant(), c.getNotAfter().toInstant()).toSeconds())
                    .description("Seconds until the CA certificate's notAfter").tag("ca", ca.name()).register(registry);
        }
        for (var issuing : cas.issuingCas()) {
            String name = issuing.name();
            Gauge.builder("gmtls.crl.age.seconds", () -> crlSeconds(name, true))
                    .description("Seconds since the newest full CRL's thisUpdate (-1: none yet)").tag("ca", name)
                    .register(registry);
            Gauge.builder("gmtls.crl.next.update.seconds", () -> crlSeconds(name, false))
                    .description("Seconds until the newest full CRL's nextUpdate (negative: stale)").tag("ca", name)
                    .register(registry);
        }
        Gauge.builder("gmtls.db.up", dbUp, AtomicLong::get)
                .description("1 when the database answered the last validity check").register(registry);
        Gauge.builder("gmtls.audit.chain.intact", auditIntact, AtomicLong::get)
                .description("1: the last audit chain verification passed, 0: broken, -1: not run yet").register(registry);
        Gauge.builder("gmtls.audit.chain.verified.events", auditEvents, AtomicLong::get)
                .description("Events checked by the last audit chain verification").register(registry);
        executor.scheduleWithFixedDelay(this::probeDatabase, 0, DB_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::verifyAudit, FIRST_VERIFICATION.toMillis(), verifyInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private double crlSeconds(String ca, boolean age) {
        try {
            return stores.crls().latest(ca, false)
                    .map(crl -> (double) (age ? Duration.between(crl.thisUpdate(), clock.instant())
                            : Duration.between(clock.instant(), crl.nextUpdate())).toSeconds())
                    .orElse(age ? -1.0 : Double.NaN);
        } catch (RuntimeException e) {
            return Double.NaN; // database unavailable: gmtls_db_up says so
        }
    }

    private void probeDatabase() {
        try (Connection connection = dataSource.getConnection()) {
            dbUp.set(connection.isValid(DB_PROBE_TIMEOUT_SECONDS) ? 1 : 0);
        } catch (SQLException | RuntimeException e) {
            dbUp.set(0);
        }
    }

    /**
     * Verifies the audit chain and its checkpoints now; the result also sets the gauges. The walk reads
     * the events and the checkpoints in separate statements while this or another node may be appending
     * or signing a checkpoint, so a break is confirmed by a second walk a moment later before it is
     * reported (a real break stays; a read between an append and its checkpoint does not).
     */
    public AuditChain.Verification verifyAudit() {
        try {
            AuditChain.Verification v = verifyOnce();
            if (!v.intact()) {
                Thread.sleep(CONFIRM_DELAY.toMillis());
                v = verifyOnce();
            }
            auditIntact.set(v.intact() ? 1 : 0);
            auditEvents.set(v.eventsChecked());
            if (!v.intact()) {
                log.error("audit chain BROKEN after {} events: {}", v.eventsChecked(), v.reason());
            }
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            log.warn("audit chain verification could not run (retried next interval): {}", e.getMessage());
            return null;
        }
    }

    private AuditChain.Verification verifyOnce() {
        return stores.audit().verify(anchor, Instant.now(clock), AuditCheckpointer.maxUnanchored(checkpointInterval));
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
