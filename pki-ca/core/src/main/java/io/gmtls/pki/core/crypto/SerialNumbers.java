package io.gmtls.pki.core.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Certificate serial numbers: 127 random bits, positive, never zero (RFC 5280 allows 20 octets; the
 * CA/Browser Forum asks for at least 64 random bits). Uniqueness is the database's job (a unique
 * constraint); the issuer draws a new one if an insert collides.
 */
public final class SerialNumbers {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,40}");

    private final SecureRandom random;

    public SerialNumbers(SecureRandom random) {
        this.random = random;
    }

    /** A fresh positive serial number with 127 bits of randomness. */
    public BigInteger next() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** Lowercase hex of the unsigned value, no leading zeros: the stored and PPv2 TLV 0xE0 form. */
    public static String toHex(BigInteger serial) {
        return serial.toString(16);
    }

    /**
     * Normalises a serial given by a caller (hex, optional colons, any case, leading zeros) to the
     * stored form, or returns null when it is not a serial number.
     */
    public static String normalize(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (s.startsWith("0x")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || s.length() > 40 || !HEX.matcher(s).matches()) {
            return null;
        }
        BigInteger value = new BigInteger(s, 16);
        return value.signum() == 0 ? null : value.toString(16);
    }
}
