package io.gmtls.certsdev;

/** A refusal or failure of the generator, with a one-line message fit for a terminal. */
public final class DevPkiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DevPkiException(String message) {
        super(message);
    }

    public DevPkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
