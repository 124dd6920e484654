package io.gmtls.proxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * The CA's revocation feed (Server-Sent Events, issue 13): where to read it, with which key, and how
 * the gateway notices a dead stream and comes back.
 *
 * @param urls             the feed endpoints of the CA nodes, tried in turn (http or https)
 * @param apiKey           the {@code GATEWAY} API key, never written inline in the configuration
 * @param apiKeyFile       the file the key was read from (watched: a rotated key is picked up by a reload),
 *                         or empty when it came from {@code apiKeyEnv}
 * @param apiKeyEnv        the environment variable the key was read from, or empty
 * @param idleTimeout      silence (no byte, not even a keep-alive comment) after which the stream is dropped
 * @param reconnectBackoff first wait before reconnecting; it doubles on every failure up to
 *                         {@link #MAX_BACKOFF} and moves to the next URL each time
 */
public record FeedConfig(List<URI> urls, Secret apiKey, Optional<Path> apiKeyFile, Optional<String> apiKeyEnv,
        Duration idleTimeout, Duration reconnectBackoff) {

    /** The longest wait between two connection attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Checks there is a URL, each http(s) with a host, and the ranges. */
    public FeedConfig {
        urls = List.copyOf(urls);
        Objects.requireNonNull(apiKey, "apiKey");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one feed URL is required");
        }
        for (URI url : urls) {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
            }
        }
        if (apiKeyFile.isPresent() == apiKeyEnv.isPresent()) {
            throw new IllegalArgumentException("the API key comes from exactly one of a file and an environment variable");
        }
        Ranges.check("idle-timeout", idleTimeout, Duration.ofMillis(100), Durations.MAX);
        Ranges.check("reconnect-backoff", reconnectBackoff, Duration.ofMillis(10), MAX_BACKOFF);
    }
}
