package io.gmtls.pki.core;

/** A configuration value is missing or invalid; the message names the key (and file, where known). */
public final class PkiConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public PkiConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
