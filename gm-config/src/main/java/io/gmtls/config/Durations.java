package io.gmtls.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every configuration file: {@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 1d}, ISO-8601 ({@code PT3S}, {@code P1D}), or a bare number of seconds. Case does
 * not matter. It is the union of what the gateway (units up to days, bare seconds) and the gate
 * (ISO-8601) read before, so existing files keep loading.
 */
public final class Durations {

    /** Upper bound for any duration in a file: keeps arithmetic on it far from overflow. */
    public static final Duration MAX = Duration.ofDays(3650);

    /** The grammar in a few words, for error messages. */
    public static final String EXAMPLES = "500ms, 10s, 5m, 1h, 1d or PT3S";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when the text is not in the grammar, negative, or over {@link #MAX}
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
        } else if (t.startsWith("p") && t.length() <= 40) {
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expected a duration like " + EXAMPLES);
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
        } else {
            throw new IllegalArgumentException("expected a duration like " + EXAMPLES);
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("must be at most 3650d");
        }
        return d;
    }

    /** Short form for messages: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
