package io.gmtls.enrollment.service;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes (reason superseded) the old certificates of renewed vehicles once their overlap has ended.
 * Each certificate is revoked and unscheduled in one transaction; rows are taken with
 * {@code FOR UPDATE SKIP LOCKED}, so every node may run the job without two revoking the same one.
 */
public final class SupersedeJob implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SupersedeJob.class);
    private static final Actor ACTOR = EnrollmentAudit.actor("renewal-job");

    private final SupersededPairs pairs;
    private final CertificateAuthority ca;
    private final Transactions transactions;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "enrollment-supersede");
        t.setDaemon(true);
        return t;
    });

    public SupersedeJob(SupersededPairs pairs, CertificateAuthority ca, Transactions transactions, Clock clock,
            Duration interval) {
        this.pairs = pairs;
        this.ca = ca;
        this.transactions = transactions;
        this.clock = clock;
        this.interval = interval;
    }

    /** Starts the schedule: every {@code interval}, after a first interval. */
    public void start() {
        executor.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("revoking superseded certificates failed (retried next interval): {}", e.getMessage());
        }
    }

    /** Revokes every due certificate; returns how many were revoked. */
    public int runOnce() {
        int revoked = 0;
        while (true) {
            // The CRL is republished after each commit, outside the transaction (pki-ca's Transactions).
            Integer done = transactions.inTransaction(this::revokeOne);
            if (done == null || done < 0) {
                return revoked;
            }
            revoked += done;
        }
    }

    /** One due certificate in one transaction: -1 when there was none. */
    private int revokeOne() {
        List<SupersededPairs.Due> due = pairs.lockDue(clock.instant(), 1);
        if (due.isEmpty()) {
            return -1;
        }
        SupersededPairs.Due d = due.get(0);
        Optional<IssuedCertificate> certificate = ca.find(d.serial());
        int count = 0;
        // Revoked meanwhile (say, by an operator): nothing left to do but forget it.
        if (certificate.isPresent() && certificate.get().status() == CertificateStatus.VALID) {
            ca.revoke(d.serial(), RevocationReason.SUPERSEDED, ACTOR);
            count = 1;
        }
        pairs.remove(d.serial());
        return count;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
