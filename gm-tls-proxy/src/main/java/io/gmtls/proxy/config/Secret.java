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

    /** Equal secrets hold the same characters; compared in constant time. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Secret that)) {
            return false;
        }
        // No String copies of the secret: compare the characters, all of them, whatever differs.
        char[] mine = value;
        char[] theirs = that.value;
        int diff = mine.length ^ theirs.length;
        for (int i = 0; i < mine.length; i++) {
            diff |= mine[i] ^ (theirs.length == 0 ? 0 : theirs[i % theirs.length]);
        }
        return diff == 0;
    }

    /** Constant: a hash would leak a little about the secret, and secrets are never map keys here. */
    @Override
    public int hashCode() {
        return 1;
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
