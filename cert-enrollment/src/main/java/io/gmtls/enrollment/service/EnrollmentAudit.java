package io.gmtls.enrollment.service;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes enrollment outcomes into pki-ca's SM3-chained audit log. Successes are appended inside the
 * issuing transaction; refusals of a caller whose credential was accepted in a transaction of their
 * own, after the request's work rolled back. Refusals of callers without an accepted credential (anyone
 * can send those, from many addresses) are only counted, per window and source prefix
 * ({@link RefusalCounts}), and written as one row per group when the window ends: a bounded number of
 * rows however many such requests arrive. Details name the credential, the client address and the
 * gateway connection, never a token or a key.
 */
public final class EnrollmentAudit {

    /** Role of every actor this service records. */
    public static final String ROLE = "enrollment";

    private static final Logger log = LoggerFactory.getLogger(EnrollmentAudit.class);

    /** Actor of the rows that sum up refusals of callers without an accepted credential. */
    static final Actor UNAUTHENTICATED = actor("unauthenticated");

    private final AuditLog audit;
    private final Transactions transactions;
    private final RefusalCounts refusals;
    private final Duration window;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "enrollment-refusal-audit");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param window    how long refusals are counted before their rows are written
     * @param maxGroups most groups (prefix, action, problem, protocol) per window; more go to one group
     */
    public EnrollmentAudit(AuditLog audit, Transactions transactions, Clock clock, Duration window, int maxGroups) {
        this.audit = audit;
        this.transactions = transactions;
        this.refusals = new RefusalCounts(clock, maxGroups);
        this.window = window;
    }

    /** Starts writing the counted refusals once per window. */
    public void start() {
        flusher.scheduleWithFixedDelay(this::flushQuietly, window.toMillis(), window.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule and writes what was counted so far. */
    public void close() {
        flusher.shutdownNow();
        flushQuietly();
    }

    /** The actor for a credential description such as {@code model-cert:GMTDEV01/1a2b} or {@code token:VIN}. */
    public static Actor actor(String credential) {
        return new Actor(credential, ROLE);
    }

    /** The actor for a caller whose credential is not (yet) known: its certificate as the gateway named it. */
    public static Actor actor(GatewayIdentity identity) {
        if (identity == null) {
            return actor("anonymous");
        }
        return actor(identity.certificate().map(c -> "cert:" + shorten(c.commonName())
                + c.serial().map(s -> "/" + s).orElse("")).orElse("anonymous"));
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** Appends a success in the caller's transaction. */
    public void success(Actor actor, String action, String target, String detail) {
        audit.append(AuditEvent.success(actor, action, target, detail));
    }

    /** Records a refusal in its own transaction; a failure to record is logged, not thrown. */
    public void refused(Actor actor, String action, String target, EnrollmentProblem problem, GatewayIdentity identity,
            String protocol) {
        String detail = problem.type().slug() + ": " + problem.detail() + " "
                + (identity == null ? "" : identity.describe() + " ") + "protocol=" + protocol;
        try {
            transactions.inTransaction(() -> {
                audit.append(AuditEvent.failed(actor, action, target == null ? "" : target, detail));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("could not audit refused {} of {}: {}", action, target, e.getClass().getSimpleName());
        }
    }

    /**
     * Counts the refusal of a caller that presented no credential this CA accepted; its row is written
     * with the others of its source prefix when the window ends.
     */
    public void refusedUnauthenticated(String action, EnrollmentProblem problem, GatewayIdentity identity,
            String protocol) {
        refusals.count(identity == null ? null : identity.client().getAddress(), action, problem.type().slug(),
                protocol);
    }

    /**
     * Writes one FAILED row per group counted since the last flush, all in one transaction: target the
     * source prefix, detail {@code <problem>: <n> refused from <prefix> (<protocol>) <from>..<to>}.
     * Returns how many rows were written.
     */
    public int flushRefusals() {
        List<RefusalCounts.Tally> tallies = refusals.drain();
        if (tallies.isEmpty()) {
            return 0;
        }
        transactions.inTransaction(() -> {
            for (RefusalCounts.Tally t : tallies) {
                RefusalCounts.Group g = t.group();
                audit.append(AuditEvent.failed(UNAUTHENTICATED, g.action(), g.prefix(), g.problem() + ": " + t.count()
                        + " refused from " + g.prefix() + " (" + g.protocol() + ") " + t.from() + ".." + t.to()));
            }
            return null;
        });
        return tallies.size();
    }

    private void flushQuietly() {
        try {
            flushRefusals();
        } catch (RuntimeException e) {
            // Those counts are lost with the failed transaction; the log line keeps the fact.
            log.warn("could not audit the refusals of the last window: {}", e.getClass().getSimpleName());
        }
    }
}
