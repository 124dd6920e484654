package io.gmtls.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in configuration files: a bare number of bytes ({@code 16384}), or a number
 * with {@code B}, {@code KiB}, {@code MiB} or {@code GiB} ({@code 16KiB}, {@code 1MiB}). Binary units
 * only: {@code KB} would leave the reader guessing between 1000 and 1024.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(b|kib|mib|gib)?");

    private Sizes() {
    }

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException when the text is not a size or exceeds {@link Long#MAX_VALUE} bytes
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size like 16384, 64KiB or 1MiB");
        }
        long amount = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
        };
        return amount << shift;
    }
}
