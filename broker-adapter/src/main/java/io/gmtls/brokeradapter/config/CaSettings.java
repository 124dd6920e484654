package io.gmtls.brokeradapter.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gate calls the CA's broker authentication endpoint.
 *
 * @param authnUrl              {@code http(s)://host[:port]/api/v1/broker/authn}
 * @param timeout               whole-request deadline (connect, answer, body); past it the client gets
 *                              "server unavailable"
 * @param maxResponseBytes      largest response body read; a longer one counts as a CA failure
 * @param maxConcurrentRequests requests in flight at once; further clients get "server busy" at once
 *                              instead of queueing behind a slow CA
 * @param apiKey                the CA's {@code broker}-role API key, sent as {@code X-API-Key}; never
 *                              printed ({@link #toString} hides it)
 */
public record CaSettings(URI authnUrl, Duration timeout, int maxResponseBytes, int maxConcurrentRequests,
                         Optional<String> apiKey) {

    /** Checks the URL scheme and the ranges. */
    public CaSettings {
        Objects.requireNonNull(authnUrl, "authnUrl");
        String scheme = authnUrl.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("CA authn URL must be http or https");
        }
        if (authnUrl.getHost() == null) {
            throw new IllegalArgumentException("CA authn URL has no host");
        }
        if (authnUrl.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs; the endpoint contract has none.
            throw new IllegalArgumentException("CA authn URL must not carry user info");
        }
        Durations.checkPositive(timeout, "CA timeout", Duration.ofMinutes(1));
        if (maxResponseBytes < 256 || maxResponseBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("CA max response bytes must be 256..16777216, was " + maxResponseBytes);
        }
        if (maxConcurrentRequests < 1 || maxConcurrentRequests > 100_000) {
            throw new IllegalArgumentException("CA max concurrent requests must be 1..100000, was " + maxConcurrentRequests);
        }
        Objects.requireNonNull(apiKey, "apiKey");
        apiKey.ifPresent(key -> {
            if (key.isEmpty() || key.length() > 256 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException("CA API key must be 1..256 printable ASCII characters");
            }
        });
    }

    /** Without an API key (a CA configured with {@code gmtls.broker.require-api-key=false}). */
    public CaSettings(URI authnUrl, Duration timeout, int maxResponseBytes, int maxConcurrentRequests) {
        this(authnUrl, timeout, maxResponseBytes, maxConcurrentRequests, Optional.empty());
    }

    @Override
    public String toString() {
        return "CaSettings[authnUrl=" + authnUrl + ", timeout=" + timeout + ", maxResponseBytes=" + maxResponseBytes
                + ", maxConcurrentRequests=" + maxConcurrentRequests
                + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + "]";
    }
}
