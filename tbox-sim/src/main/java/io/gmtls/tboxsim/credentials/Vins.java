package io.gmtls.tboxsim.credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Vehicle identification numbers (ISO 3779: 17 characters, digits and capitals without I, O, Q). */
public final class Vins {

    /** A VIN. */
    public static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    private static final Pattern PREFIX = Pattern.compile("[A-HJ-NPR-Z0-9]{1,16}");

    private Vins() {
    }

    /** Whether {@code text} is a VIN. */
    public static boolean isVin(String text) {
        return text != null && VIN.matcher(text).matches();
    }

    /**
     * {@code count} VINs {@code prefix} + zero-padded serial, from {@code first}: prefix {@code LGMDEV},
     * first 1 gives {@code LGMDEV00000000001}, … (the numbering certs-dev uses).
     *
     * @throws IllegalArgumentException if the prefix is not 1-16 VIN characters or the serials don't fit
     */
    public static List<String> range(String prefix, long first, int count) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("VIN prefix must be 1-16 of 0-9 and A-Z without I, O, Q, was '"
                    + prefix + "'");
        }
        if (first < 0 || count < 0) {
            throw new IllegalArgumentException("VIN serials must not be negative");
        }
        int digits = 17 - prefix.length();
        long last = first + count - 1L;
        if (count > 0 && Long.toString(last).length() > digits) {
            throw new IllegalArgumentException("VIN serial " + last + " does not fit in " + digits
                    + " digits after prefix " + prefix);
        }
        List<String> vins = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String serial = Long.toString(first + i);
            vins.add(prefix + "0".repeat(digits - serial.length()) + serial);
        }
        return vins;
    }
}
