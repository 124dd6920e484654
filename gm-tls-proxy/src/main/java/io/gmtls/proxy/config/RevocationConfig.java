package io.gmtls.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Certificate revocation lists the gateway keeps in memory.
 *
 * @param refreshInterval how often every CRL source is read again
 * @param fetchTimeout    timeout of one HTTP fetch
 * @param crls            the sources
 */
public record RevocationConfig(Duration refreshInterval, Duration fetchTimeout, List<CrlConfig> crls) {

    public RevocationConfig {
        crls = List.copyOf(crls);
    }
}
