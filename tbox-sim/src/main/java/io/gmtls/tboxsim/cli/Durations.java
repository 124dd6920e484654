package io.gmtls.tboxsim.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a number of seconds, or ISO-8601. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> value;
                case "m" -> value * 60_000;
                case "h" -> value * 3_600_000;
                default -> value * 1_000;
            };
            if (millis > Long.MAX_VALUE / 2) {
                throw new IllegalArgumentException("duration too long: '" + text + "'");
            }
            return Duration.ofNanos((long) (millis * 1_000_000));
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 500ms, 30s, 2m, 1h)");
        }
    }
}
