package io.gmtls.enrollment;

import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ReceiverSettings;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code gmtls.enrollment.*}, immutable and validated at startup; errors name the key.
 * (The CA and database keys, {@code gmtls.ca.*} and {@code gmtls.db.*}, are pki-ca's.)
 *
 * @param gateways           addresses / CIDR blocks PPv2 headers are accepted from; required
 * @param ppv2               how PPv2 headers are read
 * @param renewal            what happens to the old pair on renewal
 * @param limits             request rate limits
 * @param maxBodyBytes       largest request body read
 * @param idleTimeout        an idle gateway connection is closed after this long
 * @param enrollmentDefault  read by the migration that moves the per-model enrollment switch to pki-ca
 *                           (V2): the value for models that had no explicit setting
 */
@ConfigurationProperties("gmtls.enrollment")
public record EnrollmentProperties(List<String> gateways, @DefaultValue Ppv2 ppv2, @DefaultValue Renewal renewal,
        @DefaultValue Limits limits, @DefaultValue("16384") int maxBodyBytes,
        @DefaultValue("60s") Duration idleTimeout, @DefaultValue("true") boolean enrollmentDefault) {

    public EnrollmentProperties {
        if (gateways == null || gateways.isEmpty()) {
            throw new PkiConfigException("gmtls.enrollment.gateways",
                    "is required: the addresses (or CIDR blocks) of the gateways allowed to send PPv2 headers");
        }
        gateways = List.copyOf(gateways);
        allowList(gateways);
        if (maxBodyBytes < 1024 || maxBodyBytes > 1024 * 1024) {
            throw new PkiConfigException("gmtls.enrollment.max-body-bytes", "must be between 1024 and 1048576");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new PkiConfigException("gmtls.enrollment.idle-timeout", "must be over 0 and at most 1h");
        }
    }

    /** The parsed gateway allow-list. */
    public GatewayAllowList gatewayAllowList() {
        return allowList(gateways);
    }

    private static GatewayAllowList allowList(List<String> entries) {
        try {
            return GatewayAllowList.of(entries);
        } catch (IllegalArgumentException e) {
            throw new PkiConfigException("gmtls.enrollment.gateways", e.getMessage());
        }
    }

    /**
     * @param maxHeaderBytes largest PPv2 header accepted
     * @param requireCrc32c  refuse headers without a CRC32C TLV
     * @param headerTimeout  time allowed for the header after the connection opens
     */
    public record Ppv2(@DefaultValue("500") int maxHeaderBytes, @DefaultValue("false") boolean requireCrc32c,
            @DefaultValue("10s") Duration headerTimeout) {

        public Ppv2 {
            try {
                new ReceiverSettings(maxHeaderBytes, requireCrc32c, headerTimeout);
            } catch (IllegalArgumentException e) {
                throw new PkiConfigException("gmtls.enrollment.ppv2", e.getMessage());
            }
        }

        /** As the proxy-protocol module takes it. */
        public ReceiverSettings receiverSettings() {
            return new ReceiverSettings(maxHeaderBytes, requireCrc32c, headerTimeout);
        }
    }

    /**
     * @param overlap        how long the old pair stays valid after a renewal; 0 revokes it in the renewal's
     *                       own transaction
     * @param revokeInterval how often the job revoking due pairs runs
     */
    public record Renewal(@DefaultValue("24h") Duration overlap, @DefaultValue("1m") Duration revokeInterval) {

        public Renewal {
            if (overlap.isNegative() || overlap.compareTo(Duration.ofDays(365)) > 0) {
                throw new PkiConfigException("gmtls.enrollment.renewal.overlap", "must be between 0 and 365 days");
            }
            if (revokeInterval.compareTo(Duration.ofMillis(100)) < 0 || revokeInterval.compareTo(Duration.ofDays(1)) > 0) {
                throw new PkiConfigException("gmtls.enrollment.renewal.revoke-interval",
                        "must be between 100ms and 1d");
            }
        }
    }

    /**
     * @param perAddress    bucket per client address (the T-Box address in the PPv2 header); default 5/s, burst 20
     * @param perCredential bucket per credential (certificate serial, or the VIN a token is used for);
     *                      default 20/s, burst 100 (a per-model certificate is shared by a whole production line)
     * @param maxTracked    how many buckets of each kind are kept (least recently used dropped)
     */
    public record Limits(Bucket perAddress, Bucket perCredential, @DefaultValue("100000") int maxTracked) {

        public Limits {
            perAddress = perAddress == null ? new Bucket(5, 20) : perAddress;
            perCredential = perCredential == null ? new Bucket(20, 100) : perCredential;
            if (maxTracked < 100 || maxTracked > 10_000_000) {
                throw new PkiConfigException("gmtls.enrollment.limits.max-tracked", "must be between 100 and 10000000");
            }
        }
    }

    /**
     * A token bucket: {@code rate} requests per second on average, {@code burst} at once (give both). A
     * rate of 0 turns the limit off.
     */
    public record Bucket(double rate, int burst) {

        public Bucket {
            if (Double.isNaN(rate) || rate < 0 || rate > 1_000_000) {
                throw new PkiConfigException("gmtls.enrollment.limits.*.rate", "must be between 0 and 1000000 per second");
            }
            if (burst < 1 || burst > 1_000_000) {
                throw new PkiConfigException("gmtls.enrollment.limits.*.burst", "must be between 1 and 1000000");
            }
        }

        public boolean enabled() {
            return rate > 0;
        }
    }
}
