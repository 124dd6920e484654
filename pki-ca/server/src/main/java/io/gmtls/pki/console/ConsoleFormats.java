package io.gmtls.pki.console;

import io.gmtls.pki.core.IssuedCertificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formatting the templates share (times in UTC, as the audit log and the certificates state them). */
public final class ConsoleFormats {

    static final ConsoleFormats INSTANCE = new ConsoleFormats();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private ConsoleFormats() {
    }

    public String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    public String date(Instant t) {
        return t == null ? "" : DATE.format(t);
    }

    /** Whole days from now until t (negative when past). */
    public long daysUntil(Instant now, Instant t) {
        return Duration.between(now, t).toDays();
    }

    /** 0–100. */
    public long percent(long part, long whole) {
        return whole <= 0 ? 0 : Math.round(part * 100.0 / whole);
    }

    /**
     * What the console shows as a certificate's state: REVOKED, EXPIRED, NOT_YET_VALID or VALID
     * (the message key {@code status.<state>}).
     */
    public String state(IssuedCertificate c, Instant now) {
        if (c.status() == io.gmtls.pki.core.CertificateStatus.REVOKED) {
            return "REVOKED";
        }
        if (!now.isBefore(c.notAfter())) {
            return "EXPIRED";
        }
        if (now.isBefore(c.notBefore())) {
            return "NOT_YET_VALID";
        }
        return "VALID";
    }

    /**
     * The message key of a certificate's use: its profile usage, except that a vehicle's TLS 1.3
     * certificate (a signing usage under a TLS profile) is named as such.
     */
    public String usageKey(IssuedCertificate c) {
        if (c.usage() == io.gmtls.pki.core.profile.ProfileUsage.VEHICLE_SIGNING && c.profile().contains("tls")) {
            return "usage.VEHICLE_TLS";
        }
        return "usage." + c.usage().name();
    }
}
