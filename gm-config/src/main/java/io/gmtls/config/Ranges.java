package io.gmtls.config;

import java.time.Duration;

/**
 * Range checks for the constructors of configuration records. They throw
 * {@link IllegalArgumentException} naming what is wrong; {@link ConfigNode#build} turns that into a
 * {@link ConfigException} naming file and key.
 */
public final class Ranges {

    private Ranges() {
    }

    /** {@code value} within {@code min..max}, else "{what} must be between min and max, was value". */
    public static int check(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
        return (int) value;
    }

    /** A duration over zero and at most {@code max}. */
    public static Duration positive(String what, Duration value, Duration max) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be over 0 and at most " + Durations.format(max)
                    + ", was " + (value == null ? "nothing" : Durations.format(value)));
        }
        return value;
    }

    /** A duration within {@code min..max}. */
    public static Duration check(String what, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", was " + (value == null ? "nothing" : Durations.format(value)));
        }
        return value;
    }
}
