package io.gmtls.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * Certificate revocation lists the gateway keeps in memory.
 *
 * @param refreshInterval how often every CRL source is read again
 * @param fetchTimeout    total time one HTTP fetch may take (connect, headers and body); past it the
 *                        fetch is abandoned and counted as a failure
 * @param connectTimeout  time to open the connection of one HTTP fetch (at most {@code fetchTimeout})
 * @param readTimeout     longest wait for the next bytes of an HTTP answer (at most {@code fetchTimeout})
 * @param expired         what a CRL whose nextUpdate has passed (and no newer one could be fetched) means
 * @param crls            the sources
 * @param feed            the CA's revocation feed, pushed revocations beside the CRLs; empty = CRLs only
 */
public record RevocationConfig(Duration refreshInterval, Duration fetchTimeout, Duration connectTimeout,
        Duration readTimeout, ExpiredCrl expired, List<CrlConfig> crls, Optional<FeedConfig> feed) {

    /** What to do with a CRL past its nextUpdate. */
    public enum ExpiredCrl {
        /** Its issuer's clients are refused (status UNKNOWN) until a current CRL loads. */
        FAIL_CLOSED,
        /** It is still used (availability over freshness); a warning is logged when it is loaded. */
        KEEP_USING
    }

    /** Checks the ranges, and that no part of a fetch may outlast the whole. */
    public RevocationConfig {
        crls = List.copyOf(crls);
        Objects.requireNonNull(expired, "expired");
        Objects.requireNonNull(feed, "feed");
        Ranges.check("refresh-interval", refreshInterval, Duration.ofMillis(50), Durations.MAX);
        Ranges.check("fetch-timeout", fetchTimeout, Duration.ofMillis(50), Durations.MAX);
        Ranges.check("connect-timeout", connectTimeout, Duration.ofMillis(10), Durations.MAX);
        Ranges.check("read-timeout", readTimeout, Duration.ofMillis(10), Durations.MAX);
        if (connectTimeout.compareTo(fetchTimeout) > 0 || readTimeout.compareTo(fetchTimeout) > 0) {
            throw new IllegalArgumentException("connect-timeout and read-timeout must not exceed fetch-timeout");
        }
    }

    /** Without a revocation feed. */
    public RevocationConfig(Duration refreshInterval, Duration fetchTimeout, Duration connectTimeout,
            Duration readTimeout, ExpiredCrl expired, List<CrlConfig> crls) {
        this(refreshInterval, fetchTimeout, connectTimeout, readTimeout, expired, crls, Optional.empty());
    }

    /** With connect and read timeouts equal to the fetch timeout, failing closed on expired CRLs, no feed. */
    public RevocationConfig(Duration refreshInterval, Duration fetchTimeout, List<CrlConfig> crls) {
        this(refreshInterval, fetchTimeout, fetchTimeout, fetchTimeout, ExpiredCrl.FAIL_CLOSED, crls);
    }
}
