package io.gmtls.tboxsim.transport;

import java.util.Locale;

/** How a simulated vehicle talks to the gateway (or, for {@link #PLAIN}, straight to a broker). */
public enum TransportKind {
    /** Plain TCP: a baseline straight to a broker, no gateway. */
    PLAIN("plain"),
    /** TLCP 1.1 (GB/T 38636) with the vehicle's SM2 signing and encryption certificates. */
    TLCP("tlcp"),
    /** TLS 1.3 with standard suites and the vehicle's ECDSA certificate. */
    TLS13("tls13"),
    /** TLS 1.3 with TLS_SM4_GCM_SM3 (RFC 8998) and the vehicle's SM2 signing certificate. */
    TLS13_SM("tls13-sm");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    /** The command-line spelling. */
    public String label() {
        return label;
    }

    /** Whether vehicles use SM2 credentials (sm2/vehicles) rather than ECDSA ones (ecdsa/vehicles). */
    public boolean usesSm2() {
        return this == TLCP || this == TLS13_SM;
    }

    /** The default port: 1883 for plain MQTT, 8883 otherwise. */
    public int defaultPort() {
        return this == PLAIN ? 1883 : 8883;
    }

    /** Parses the command-line spelling (case-insensitive; {@code tls13_sm} also accepted). */
    public static TransportKind parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (TransportKind kind : values()) {
            if (kind.label.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + text + "' (plain, tlcp, tls13, tls13-sm)");
    }

    @Override
    public String toString() {
        return label;
    }
}
