package io.gmtls.pki.service;

import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditCheckpoint;
import io.gmtls.pki.store.JdbcAuditLog;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Signs a checkpoint of the audit chain's head on a fixed interval (first at startup, last at
 * shutdown) when events were added since the newest one. Each checkpoint is also logged, so that a
 * copy lives outside the database with the service's logs.
 */
public final class AuditCheckpointer implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpointer.class);

    private final JdbcAuditLog audit;
    private final AuditAnchor anchor;
    private final Duration interval;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "audit-checkpoint");
        t.setDaemon(true);
        return t;
    });

    public AuditCheckpointer(JdbcAuditLog audit, AuditAnchor anchor, Duration interval) {
        this.audit = audit;
        this.anchor = anchor;
        this.interval = interval;
    }

    /** Verification's bound on events left without a checkpoint: two intervals and a minute of slack. */
    public static Duration maxUnanchored(Duration interval) {
        return interval.multipliedBy(2).plusMinutes(1);
    }

    @Override
    public void afterPropertiesSet() {
        executor.scheduleWithFixedDelay(this::checkpointQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Signs a checkpoint now if there is anything new; returns it. */
    public Optional<AuditCheckpoint> checkpoint() {
        Optional<AuditCheckpoint> c = audit.checkpoint(anchor);
        c.ifPresent(cp -> log.info("audit checkpoint seq={} head={} at={} key={} signature={}", cp.seq(), cp.headHash(),
                cp.at(), cp.keyId(), java.util.HexFormat.of().formatHex(cp.signature())));
        return c;
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("audit checkpoint failed (retried next interval): {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpointQuietly();
    }
}
