package io.gmtls.brokeradapter.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as written in the configuration: {@code 250ms}, {@code 3s}, {@code 2m}, or ISO-8601 {@code PT3S}. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (write e.g. 500ms, 3s, 2m)");
        }
        throw new IllegalArgumentException("not a duration (write e.g. 500ms, 3s, 2m)");
    }

    static void checkPositive(Duration value, String what, Duration max) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be over 0 and at most " + max.toSeconds() + " s, was " + value);
        }
    }
}
