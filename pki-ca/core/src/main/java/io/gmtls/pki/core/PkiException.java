package io.gmtls.pki.core;

/**
 * The one exception type of the CA core. Its message is safe to show to a client: it names what was
 * wrong with the request, never a key, a secret or an internal detail.
 */
public class PkiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is; the web edge maps it to an HTTP status. */
    public enum Kind {
        /** The request is malformed or violates the profile (HTTP 400). */
        BAD_REQUEST,
        /** The caller is not allowed to do this (HTTP 403). */
        FORBIDDEN,
        /** The thing named does not exist (HTTP 404). */
        NOT_FOUND,
        /** The request conflicts with stored state, e.g. a duplicate VIN (HTTP 409). */
        CONFLICT,
        /** The request is too large (HTTP 413). */
        TOO_LARGE,
        /** A dependency (database, key store) is not available (HTTP 503). */
        UNAVAILABLE,
        /** The CA itself failed (HTTP 500). */
        INTERNAL
    }

    private final Kind kind;

    public PkiException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PkiException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static PkiException badRequest(String message) {
        return new PkiException(Kind.BAD_REQUEST, message);
    }

    public static PkiException notFound(String message) {
        return new PkiException(Kind.NOT_FOUND, message);
    }

    public static PkiException conflict(String message) {
        return new PkiException(Kind.CONFLICT, message);
    }
}
