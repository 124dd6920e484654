package io.gmtls.tboxsim.enroll;

/**
 * An enrollment or renewal that failed, with a one-line reason fit for the operator: the connection
 * cause ({@code tcp refused}, {@code handshake alert bad_certificate (received)}), the HTTP status with
 * the server's problem title/detail, or what was wrong with the response. Never carries key material.
 */
public final class EnrollmentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Where it failed. */
    public enum Kind {
        /** TCP connect or TLS/TLCP handshake, or the connection broke. */
        CONNECTION,
        /** No complete answer within the timeout. */
        TIMEOUT,
        /** The server answered with an error status. */
        HTTP,
        /** The server's 200/201 answer is malformed or does not fit the request (wrong key, VIN, envelope…). */
        RESPONSE
    }

    private final Kind kind;
    private final int status;
    private final boolean retryable;
    private final long retryAfterSeconds;
    private final String problem;

    EnrollmentException(Kind kind, int status, boolean retryable, String message, Throwable cause) {
        this(kind, status, retryable, -1, null, message, cause);
    }

    private EnrollmentException(Kind kind, int status, boolean retryable, long retryAfterSeconds, String problem,
            String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryable = retryable;
        this.retryAfterSeconds = retryAfterSeconds;
        this.problem = problem;
    }

    static EnrollmentException connection(String cause, boolean retryable, Throwable t) {
        return new EnrollmentException(Kind.CONNECTION, 0, retryable, cause, t);
    }

    static EnrollmentException timeout(String what) {
        return new EnrollmentException(Kind.TIMEOUT, 0, true, what, null);
    }

    static EnrollmentException http(int status, long retryAfterSeconds, String problem, String message) {
        boolean passing = status == 429 || status == 502 || status == 503 || status == 504;
        return new EnrollmentException(Kind.HTTP, status, passing, retryAfterSeconds, problem, message, null);
    }

    static EnrollmentException response(String message, Throwable cause) {
        return new EnrollmentException(Kind.RESPONSE, 0, false, message, cause);
    }

    /** Where it failed. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status for {@link Kind#HTTP}, else 0. */
    public int status() {
        return status;
    }

    /**
     * Whether repeating the same request (same CSR, which the server answers idempotently) may succeed:
     * connection losses, timeouts, 429 (rate limited), 502/503/504.
     */
    public boolean retryable() {
        return retryable;
    }

    /** The server's Retry-After in seconds, or -1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The problem type's last segment (e.g. {@code vin-not-registered}), or null. */
    public String problem() {
        return problem;
    }

    /** A short cause for counting failures: {@code http 403 vin-not-registered}, {@code tcp refused}, … */
    public String cause() {
        return switch (kind) {
            case HTTP -> "http " + status + (problem == null ? "" : " " + problem);
            case TIMEOUT -> "timeout";
            case RESPONSE -> "invalid response";
            case CONNECTION -> getMessage();
        };
    }
}
