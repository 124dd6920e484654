package io.gmtls.proxy.config;

import java.time.Duration;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * Hot reload: when {@code watch} is on, the files of the configuration are polled every
 * {@code pollInterval} and a change reloads certificates, keys, CRL sources and upstream groups.
 */
public record ReloadConfig(boolean watch, Duration pollInterval) {

    /** Checks the poll interval's range. */
    public ReloadConfig {
        Ranges.check("poll-interval", pollInterval, Duration.ofMillis(50), Durations.MAX);
    }
}
