package io.gmtls.enrollment.service;

import java.util.Objects;

/**
 * A refusal: its {@link ProblemType} and a detail safe to send to the client (it names what was wrong,
 * never a key, a token or an internal message). Carries no stack trace: refusals are expected.
 */
public final class EnrollmentProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ProblemType type;
    private final long retryAfterSeconds;
    private final boolean audited;
    private volatile boolean recorded;

    public EnrollmentProblem(ProblemType type, String detail) {
        this(type, detail, 0, true);
    }

    private EnrollmentProblem(ProblemType type, String detail, long retryAfterSeconds, boolean audited) {
        super(Objects.requireNonNull(detail), null, false, false);
        this.type = Objects.requireNonNull(type);
        this.retryAfterSeconds = retryAfterSeconds;
        this.audited = audited;
    }

    /**
     * A rate-limit refusal. Only some are audited as rows of their own (the first of a key, then at most
     * one a minute): a client that keeps trying must not be able to flood the (serialised) audit log.
     * Refusals before a credential was accepted, rate limits included, are all counted in the audit
     * log's per-prefix sums instead ({@link EnrollmentAudit#refusedUnauthenticated}).
     */
    public static EnrollmentProblem rateLimited(String what, RateLimiter.Verdict verdict) {
        return new EnrollmentProblem(ProblemType.RATE_LIMITED, what + " (limit per " + verdict.limitedBy()
                + "); retry in " + verdict.retryAfterSeconds() + " s", verdict.retryAfterSeconds(),
                verdict.record());
    }

    /** Whether this refusal is to be written to the audit log at all. */
    public boolean audited() {
        return audited;
    }

    /** Whether it has been written already (by the registration authority). */
    public boolean recorded() {
        return recorded;
    }

    /** Notes that the refusal is in the audit log, so that the web layer does not write it twice. */
    public void markRecorded() {
        recorded = true;
    }

    public ProblemType type() {
        return type;
    }

    /** For {@link ProblemType#RATE_LIMITED}: seconds until a retry may succeed; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String detail() {
        return getMessage();
    }
}
