package io.gmtls.proxy.config;

import java.time.Duration;

/**
 * Hot reload: when {@code watch} is on, the files of the configuration are polled every
 * {@code pollInterval} and a change reloads certificates, keys, CRL sources and upstream groups.
 */
public record ReloadConfig(boolean watch, Duration pollInterval) {
}
