package io.gmtls.proxy.config;

/**
 * A secret read from a file (e.g. a key passphrase). {@link #toString()} never shows it; callers get a
 * fresh copy of the characters.
 */
public final class Secret {

    private final char[] value;

    public Secret(char[] value) {
        this.value = value.clone();
    }

    /** A copy of the secret: the caller should wipe it after use. */
    public char[] chars() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
