package io.gmtls.enrollment;

/** A configuration value is missing or invalid; the message names the key. */
public final class EnrollmentConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public EnrollmentConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
