package io.gmtls.proxyprotocol;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the encoder writes for one upstream group: which optional TLVs, whether a CRC32C TLV, and
 * the header size cap. Immutable; validated on construction.
 *
 * @param include        the optional TLVs to write (when the facts have a value for them)
 * @param crc32c         write {@code PP2_TYPE_CRC32C} over the whole header
 * @param maxHeaderBytes cap on the whole header including the 16-byte fixed part; TLVs that would
 *                       exceed it are left out (never cut), see {@link OptionalTlv}
 */
public record HeaderOptions(Set<OptionalTlv> include, boolean crc32c, int maxHeaderBytes) {

    /** Mosquitto's limit on a whole PPv2 header, and our default cap. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 500;
    /** Smallest cap accepted: room for the fixed part, IPv6 addresses, a CRC and a short CN. */
    public static final int MIN_MAX_HEADER_BYTES = 64;
    /** Largest header PPv2 can express: 16 fixed bytes plus a 16-bit length. */
    public static final int MAX_MAX_HEADER_BYTES = 16 + 65535;

    /** Config name of the CRC32C switch, accepted by {@link #parse} beside the {@link OptionalTlv} names. */
    public static final String CRC32C_CONFIG_NAME = "crc32c";

    /** Copies the set and checks the cap. */
    public HeaderOptions {
        Objects.requireNonNull(include, "include");
        include = include.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(include));
        if (maxHeaderBytes < MIN_MAX_HEADER_BYTES || maxHeaderBytes > MAX_MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes must be " + MIN_MAX_HEADER_BYTES + ".."
                    + MAX_MAX_HEADER_BYTES + ", was " + maxHeaderBytes);
        }
    }

    /** Every TLV of the schema, no CRC32C, 500-byte cap. */
    public static HeaderOptions defaults() {
        return new HeaderOptions(EnumSet.allOf(OptionalTlv.class), false, DEFAULT_MAX_HEADER_BYTES);
    }

    /**
     * Parses the option list of a configuration, e.g. {@code [ssl-version, ssl-cipher, cert-serial, crc32c]}.
     *
     * @param key            the configuration key the list came from, named in errors
     * @param names          option names: {@link OptionalTlv#configNames()} and {@value #CRC32C_CONFIG_NAME}
     * @param maxHeaderBytes the header size cap
     * @throws IllegalArgumentException naming the key and the unknown or repeated option
     */
    public static HeaderOptions parse(String key, Collection<String> names, int maxHeaderBytes) {
        EnumSet<OptionalTlv> include = EnumSet.noneOf(OptionalTlv.class);
        boolean crc = false;
        for (String raw : names) {
            String name = raw == null ? "" : raw.trim();
            if (CRC32C_CONFIG_NAME.equals(name)) {
                if (crc) {
                    throw new IllegalArgumentException(key + ": PPv2 option '" + name + "' is listed twice");
                }
                crc = true;
                continue;
            }
            OptionalTlv option = OptionalTlv.forConfigName(name).orElseThrow(() -> new IllegalArgumentException(
                    key + ": unknown PPv2 option '" + name + "' (known: " + OptionalTlv.configNames()
                            + ", " + CRC32C_CONFIG_NAME + ")"));
            if (!include.add(option)) {
                throw new IllegalArgumentException(key + ": PPv2 option '" + name + "' is listed twice");
            }
        }
        try {
            return new HeaderOptions(include, crc, maxHeaderBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** Returns a copy with CRC32C switched on or off. */
    public HeaderOptions withCrc32c(boolean on) {
        return new HeaderOptions(include, on, maxHeaderBytes);
    }

    /** Returns a copy with another size cap. */
    public HeaderOptions withMaxHeaderBytes(int max) {
        return new HeaderOptions(include, crc32c, max);
    }

    /** Returns a copy writing exactly these optional TLVs. */
    public HeaderOptions withInclude(Set<OptionalTlv> tlvs) {
        return new HeaderOptions(tlvs, crc32c, maxHeaderBytes);
    }
}
