package io.gmtls.proxyprotocol;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The TLVs an upstream group may switch on or off, in the order the encoder keeps them when the
 * header would exceed its size cap: earlier constants are kept first, and a value that no longer
 * fits is left out whole (a later, shorter one may still fit). {@code PP2_TYPE_SSL} with its client
 * flags and verify result, and the CN, are not optional: they are never left out.
 *
 * <p>Config names follow HAProxy's {@code proxy-v2-options} where one exists.
 */
public enum OptionalTlv {
    /** 0xE0 serial: what the CA looks a certificate up by. */
    CERT_SERIAL("cert-serial", TlvType.CERT_SERIAL),
    /** 0x21 protocol version. */
    SSL_VERSION("ssl-version", TlvType.SSL_VERSION),
    /** 0x05 connection id, joining broker and gateway logs. */
    UNIQUE_ID("unique-id", TlvType.UNIQUE_ID),
    /** 0xE1 SM3 fingerprint of the signing certificate. */
    CERT_SM3_FINGERPRINT("cert-sm3", TlvType.CERT_SM3_FINGERPRINT),
    /** 0x02 SNI. */
    AUTHORITY("authority", TlvType.AUTHORITY),
    /** 0x23 cipher suite. */
    SSL_CIPHER("ssl-cipher", TlvType.SSL_CIPHER),
    /** 0x25 certificate key algorithm. */
    CERT_KEY_ALG("cert-key", TlvType.SSL_KEY_ALG),
    /** 0x24 certificate signature algorithm. */
    CERT_SIG_ALG("cert-sig", TlvType.SSL_SIG_ALG),
    /** 0xE2 issuer DN: the longest and the easiest to look up elsewhere, so left out first. */
    CERT_ISSUER("cert-issuer", TlvType.CERT_ISSUER_DN);

    private final String configName;
    private final TlvType type;

    OptionalTlv(String configName, TlvType type) {
        this.configName = configName;
        this.type = type;
    }

    /** The name used in configuration files, e.g. {@code ssl-cipher}. */
    public String configName() {
        return configName;
    }

    /** The TLV type this option controls. */
    public TlvType type() {
        return type;
    }

    /** Looks a config name up (case-sensitive). */
    public static Optional<OptionalTlv> forConfigName(String name) {
        return Arrays.stream(values()).filter(o -> o.configName.equals(name)).findFirst();
    }

    /** All config names, comma-separated, for error messages and docs. */
    public static String configNames() {
        return Arrays.stream(values()).map(OptionalTlv::configName).collect(Collectors.joining(", "));
    }
}
