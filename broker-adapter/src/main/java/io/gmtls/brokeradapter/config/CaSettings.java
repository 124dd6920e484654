package io.gmtls.brokeradapter.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.config.Ranges;

/**
 * How the gate calls the CA's broker authentication endpoint.
 *
 * <p>The gate sends the CA's API key and trusts the CA's verdict on every vehicle, so the endpoint must
 * be authenticated: {@code https} (the server's certificate checked against {@code trustAnchors}, or the
 * JVM's default CAs when there are none), or plain {@code http} only to a loopback address (the CA on the
 * same host).
 *
 * @param authnUrl              {@code https://host[:port]/api/v1/broker/authn}, or {@code http://} to a
 *                              loopback address ({@code 127.0.0.0/8}, {@code [::1]}, {@code localhost})
 * @param timeout               whole-request deadline (connect, answer, body); past it the client gets
 *                              "server unavailable"
 * @param maxResponseBytes      largest response body read; a longer one counts as a CA failure
 * @param maxConcurrentRequests requests in flight at once; further clients get "server busy" at once
 *                              instead of queueing behind a slow CA
 * @param apiKey                the CA's {@code broker}-role API key, sent as {@code X-API-Key}; never
 *                              printed ({@link #toString} hides it)
 * @param trustAnchors          CA certificates the HTTPS server's certificate must chain to; empty = the
 *                              JVM's default trust store. Only with {@code https}
 */
public record CaSettings(URI authnUrl, Duration timeout, int maxResponseBytes, int maxConcurrentRequests,
                         Optional<String> apiKey, List<X509Certificate> trustAnchors) {

    /**
     * Checks the URL scheme and the ranges. Plain http only to loopback, and trust anchors only with
     * https, are {@link GateConfig#validate(String)}'s rules.
     */
    public CaSettings {
        Objects.requireNonNull(authnUrl, "authnUrl");
        String scheme = authnUrl.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("CA authn URL must be http or https");
        }
        if (authnUrl.getHost() == null) {
            throw new IllegalArgumentException("CA authn URL has no host");
        }
        trustAnchors = List.copyOf(trustAnchors);
        if (authnUrl.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs; the endpoint contract has none.
            throw new IllegalArgumentException("CA authn URL must not carry user info");
        }
        Ranges.positive("CA timeout", timeout, Duration.ofMinutes(1));
        Ranges.check("CA max response bytes", maxResponseBytes, 256, 16 * 1024 * 1024);
        Ranges.check("CA max concurrent requests", maxConcurrentRequests, 1, 100_000);
        Objects.requireNonNull(apiKey, "apiKey");
        apiKey.ifPresent(key -> {
            if (key.isEmpty() || key.length() > 256 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException("CA API key must be 1..256 printable ASCII characters");
            }
        });
    }

    /** With the JVM's default trust store for https. */
    public CaSettings(URI authnUrl, Duration timeout, int maxResponseBytes, int maxConcurrentRequests,
            Optional<String> apiKey) {
        this(authnUrl, timeout, maxResponseBytes, maxConcurrentRequests, apiKey, List.of());
    }

    /** Without an API key (a CA configured with {@code gmtls.broker.require-api-key=false}). */
    public CaSettings(URI authnUrl, Duration timeout, int maxResponseBytes, int maxConcurrentRequests) {
        this(authnUrl, timeout, maxResponseBytes, maxConcurrentRequests, Optional.empty());
    }

    /** True for {@code https}. */
    public boolean tls() {
        return "https".equalsIgnoreCase(authnUrl.getScheme());
    }

    /** How the endpoint is reached, for the startup log: transport and what it is trusted by. */
    public String transportDescription() {
        if (!tls()) {
            return "plain HTTP to loopback " + authnUrl.getHost() + " (no TLS: the CA must run on this host)";
        }
        return "HTTPS, server certificate checked against " + (trustAnchors.isEmpty()
                ? "the JVM's default CAs" : trustAnchors.size() + " CA certificate(s) from ca.trust");
    }

    /** True for plain {@code http} to a host that is not a loopback address ({@link GateConfig#validate(String)} refuses it). */
    boolean plainHttpToRemote() {
        return !tls() && !isLoopback(authnUrl.getHost());
    }

    /**
     * True for {@code localhost} and IP literals in the loopback ranges. Other host names are not
     * resolved: what a name resolves to can change after the check.
     */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            // An IP literal: parsed, never looked up.
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "CaSettings[authnUrl=" + authnUrl + ", timeout=" + timeout + ", maxResponseBytes=" + maxResponseBytes
                + ", maxConcurrentRequests=" + maxConcurrentRequests
                + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + ", trustAnchors=" + trustAnchors.size() + "]";
    }
}
