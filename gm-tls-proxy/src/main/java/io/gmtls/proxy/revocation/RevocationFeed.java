package io.gmtls.proxy.revocation;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.config.FeedConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.revocation.LiveConnections.CertificateId;
import io.micrometer.core.instrument.Tags;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client of the CA's revocation feed (issue 13): one Server-Sent Events stream, read on its own
 * thread (never an event loop), applied as it arrives. Each {@code revoked} event is installed in the
 * {@link FeedRevocations} set (new full and resumed handshakes of the certificate fail from then on)
 * and then closes the certificate's live connections (one lookup in {@link LiveConnections}); an
 * {@code unrevoked} event removes the feed's entry; a {@code resync} replaces the set.
 *
 * <p>Robustness: a stream silent for {@code idle-timeout} (the CA sends a comment every few seconds)
 * is dropped; so is one that sends an oversized line (8 KiB, 16 MiB for the resync frame), bytes that
 * are not UTF-8 or an event it cannot read. After any failure the next URL is tried, after a backoff that
 * starts at {@code reconnect-backoff} and doubles up to {@link FeedConfig#MAX_BACKOFF}; a stream the
 * server ended cleanly (it rebalances its streams) is opened again at once. Every request carries the
 * last applied sequence as {@code Last-Event-ID}, so nothing emitted while disconnected is missed; the
 * CA answers with a resync when that point is too old.
 *
 * <p>The API key goes only into the request header; it is never logged or put in an exception.
 */
public final class RevocationFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);

    /** Bound of an ordinary line or event. */
    static final int MAX_LINE_BYTES = 8 * 1024;
    /** Bound of the resync frame's one data line (every revoked, not yet expired certificate). */
    static final int MAX_RESYNC_BYTES = 16 * 1024 * 1024;
    /** How often entries of expired certificates are dropped from the learnt set. */
    private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    /** Bound of opening the connection (the idle timeout bounds every later wait). */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** During an outage, how often a failed attempt is logged. */
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
    private static final Pattern SERIAL = Pattern.compile("[0-9a-fA-F]{1,64}");

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** What {@code /health} shows. */
    public record Status(boolean connected, String url, long seq, Optional<Instant> lastEventAt,
            Optional<String> lastError) {
    }

    private final FeedConfig config;
    private final FeedRevocations revocations;
    private final LiveConnections live;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Thread thread;
    private final GatewayMetrics.Registration gauges;

    private volatile boolean closed;
    private volatile HttpURLConnection current;
    private volatile boolean connected;
    private volatile String url;
    private volatile Instant lastEventAt;
    private volatile String lastError;
    private volatile double lagSeconds = Double.NaN;
    private Instant nextPrune;
    /** Failed attempts since the last stream that delivered something (feed thread only). */
    private int failuresInARow;
    /** Whether the current (or last) stream applied a frame (feed thread only). */
    private boolean appliedOnThisStream;
    private Instant lastFailureLog;

    RevocationFeed(FeedConfig config, FeedRevocations revocations, LiveConnections live, GatewayMetrics metrics,
            Clock clock) {
        this.config = config;
        this.revocations = revocations;
        this.live = live;
        this.metrics = metrics;
        this.clock = clock;
        this.url = config.urls().get(0).toString();
        this.nextPrune = clock.instant().plus(PRUNE_INTERVAL);
        this.thread = new Thread(this::run, "revocation-feed");
        this.thread.setDaemon(true);
        metrics.feedCountersAtZero();
        this.gauges = metrics.gauge("gateway.revocation.feed.connected", "1 while the revocation feed stream is open",
                Tags.empty(), this, f -> f.connected ? 1 : 0)
                .and(metrics.gauge("gateway.revocation.feed.seq", "Sequence number of the last applied feed event",
                        Tags.empty(), revocations, FeedRevocations::seq))
                .and(metrics.gauge("gateway.revocation.feed.lag.seconds",
                        "Apply time minus event time of the last applied feed event", Tags.empty(), this,
                        f -> f.lagSeconds));
    }

    /** Starts reading the feed in the background. */
    void start() {
        LOG.info("revocation feed: {} URL(s), first {}; resuming after seq {}", config.urls().size(), url,
                revocations.seq());
        thread.start();
    }

    /** The configuration this feed runs with. */
    FeedConfig config() {
        return config;
    }

    /** State for {@code /health}. */
    public Status status() {
        String error = lastError;
        return new Status(connected, url, revocations.seq(), Optional.ofNullable(lastEventAt), Optional.ofNullable(error));
    }

    private void run() {
        int index = 0;
        Duration backoff = config.reconnectBackoff();
        boolean first = true;
        while (!closed) {
            URI target = config.urls().get(index);
            url = target.toString();
            if (!first) {
                metrics.feedReconnect();
            }
            first = false;
            boolean delivered;
            try {
                delivered = stream(target);
                // The server ended the stream (it does so periodically): come back at once, same URL.
                LOG.info("revocation feed {}: stream ended by the server; reconnecting", url);
                if (delivered) {
                    backoff = config.reconnectBackoff();
                    failuresInARow = 0;
                    continue;
                }
            } catch (FeedProtocolException e) {
                failure(e.reason(), e.getMessage());
            } catch (SocketTimeoutException e) {
                if (connected) {
                    failure("idle", "no data (not even a keep-alive) for " + config.idleTimeout().toMillis() + " ms");
                } else {
                    failure("io", "timed out connecting or waiting for the answer");
                }
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                failure("io", e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                connected = false;
                HttpURLConnection c = current;
                if (c != null) {
                    c.disconnect();
                }
                current = null;
            }
            if (closed) {
                break;
            }
            if (appliedOnThisStream) {
                // The stream worked for a while: this failure starts a new backoff sequence.
                backoff = config.reconnectBackoff();
            }
            index = (index + 1) % config.urls().size();
            if (!sleep(backoff)) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(FeedConfig.MAX_BACKOFF) > 0 ? FeedConfig.MAX_BACKOFF
                    : backoff.multipliedBy(2);
        }
    }

    private void failure(String reason, String message) {
        if (closed) {
            return;
        }
        metrics.feedStreamError(reason);
        lastError = reason + ": " + message;
        failuresInARow++;
        Instant now = clock.instant();
        // During a long outage one line a minute, not one per attempt (every 5 s).
        if (failuresInARow == 1 || lastFailureLog == null || !now.isBefore(lastFailureLog.plus(FAILURE_LOG_INTERVAL))) {
            lastFailureLog = now;
            LOG.warn("revocation feed {}: stream dropped ({}){}; CRLs stay in force, reconnecting", url, lastError,
                    failuresInARow == 1 ? "" : ", " + failuresInARow + " failures in a row");
        }
    }

    private boolean sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * One stream: connects, checks the answer, applies frames until the server ends the stream.
     *
     * @return whether the stream delivered at least one frame or keep-alive
     */
    private boolean stream(URI target) throws IOException {
        appliedOnThisStream = false;
        URLConnection opened = target.toURL().openConnection();
        if (!(opened instanceof HttpURLConnection c)) {
            throw new IOException("not an HTTP URL");
        }
        current = c;
        if (closed) {
            return false;
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(millis(min(config.idleTimeout(), MAX_CONNECT_TIMEOUT)));
        c.setReadTimeout(millis(config.idleTimeout()));
        c.setRequestProperty("Accept", "text/event-stream");
        c.setRequestProperty("Cache-Control", "no-cache");
        char[] key = config.apiKey().chars();
        try {
            c.setRequestProperty("X-API-Key", new String(key));
        } finally {
            Arrays.fill(key, '\0');
        }
        long seq = revocations.seq();
        if (seq >= 0) {
            c.setRequestProperty("Last-Event-ID", Long.toString(seq));
        }
        int status = c.getResponseCode();
        if (status != 200) {
            String hint = status == 401 || status == 403 ? " (API key refused: it needs the GATEWAY role)" : "";
            throw new FeedProtocolException("http", "HTTP " + status + hint);
        }
        String type = c.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            throw new FeedProtocolException("malformed", "Content-Type is " + type + ", not text/event-stream");
        }
        connected = true;
        lastError = null;
        failuresInARow = 0;
        LOG.info("revocation feed {}: connected, resuming after seq {}", url, seq);
        try (InputStream body = c.getInputStream()) {
            SseReader reader = new SseReader(body, MAX_LINE_BYTES, MAX_RESYNC_BYTES);
            boolean delivered = false;
            SseReader.Frame frame;
            while ((frame = reader.next()) != null) {
                apply(frame);
                delivered = true;
                appliedOnThisStream = true;
                pruneWhenDue();
            }
            return delivered || reader.comments() > 0;
        }
    }

    private void pruneWhenDue() {
        Instant now = clock.instant();
        if (now.isAfter(nextPrune)) {
            nextPrune = now.plus(PRUNE_INTERVAL);
            int pruned = revocations.pruneExpired(now);
            if (pruned > 0) {
                LOG.info("revocation feed: dropped {} entries of expired certificates", pruned);
            }
        }
    }

    /** Applies one frame; an event of an unknown type is skipped (a newer CA may send more kinds). */
    void apply(SseReader.Frame frame) throws FeedProtocolException {
        switch (frame.event()) {
            case "revoked", "unrevoked" -> event(frame.event(), parse(frame.data()));
            case SseReader.RESYNC -> resync(parse(frame.data()));
            default -> LOG.debug("revocation feed {}: skipping event type {}", url, frame.event());
        }
    }

    private void event(String kind, JsonNode node) throws FeedProtocolException {
        long seq = seq(node);
        CertificateId id = certificateId(node);
        Instant time = instant(node, "time", true);
        Instant notAfter = instant(node, "notAfter", false);
        if (seq <= revocations.seq()) {
            // Already applied (a replay after a reconnect): applying again is harmless but would move seq back.
            return;
        }
        Instant now = clock.instant();
        if ("revoked".equals(kind)) {
            // Install first, then close: a handshake finishing in between registers and then re-checks.
            revocations.revoke(id, notAfter, seq);
            int closed = live.closeRevoked(id);
            for (int i = 0; i < closed; i++) {
                metrics.revokedConnectionClosed();
            }
            LOG.info("revocation feed: seq {} revoked serial {} of {}; {} live connection(s) closed", seq,
                    id.serial().toString(16), id.issuer().getName(), closed);
        } else {
            revocations.unrevoke(id, seq);
            LOG.info("revocation feed: seq {} unrevoked serial {} of {}", seq, id.serial().toString(16),
                    id.issuer().getName());
        }
        lagSeconds = Duration.between(time, now).toNanos() / 1e9;
        lastEventAt = now;
        metrics.feedEvent(kind);
    }

    private void resync(JsonNode node) throws FeedProtocolException {
        long seq = seq(node);
        JsonNode list = node.get("revoked");
        if (list == null || !list.isArray()) {
            throw new FeedProtocolException("malformed", "resync without a revoked array");
        }
        Map<CertificateId, Instant> set = new HashMap<>();
        for (JsonNode entry : list) {
            if (!entry.isObject()) {
                throw new FeedProtocolException("malformed", "resync entry is not an object");
            }
            Instant notAfter = instant(entry, "notAfter", false);
            set.put(certificateId(entry), notAfter == null ? Instant.MAX : notAfter);
        }
        Instant now = clock.instant();
        revocations.replace(set, seq);
        int closed = live.closeRevoked((issuer, serial) -> set.containsKey(new CertificateId(issuer, serial)));
        for (int i = 0; i < closed; i++) {
            metrics.revokedConnectionClosed();
        }
        lastEventAt = now;
        metrics.feedEvent("resync");
        LOG.info("revocation feed: resync at seq {}: {} revoked certificate(s); {} live connection(s) closed", seq,
                set.size(), closed);
    }

    private static JsonNode parse(String data) throws FeedProtocolException {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject()) {
                throw new FeedProtocolException("malformed", "event data is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new FeedProtocolException("malformed", "event data is not valid JSON");
        }
    }

    private static long seq(JsonNode node) throws FeedProtocolException {
        JsonNode seq = node.get("seq");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0) {
            throw new FeedProtocolException("malformed", "event without a valid seq");
        }
        return seq.longValue();
    }

    private static CertificateId certificateId(JsonNode node) throws FeedProtocolException {
        JsonNode serial = node.get("serial");
        JsonNode issuer = node.get("issuer");
        if (serial == null || !serial.isString() || !SERIAL.matcher(serial.stringValue()).matches()) {
            throw new FeedProtocolException("malformed", "event without a valid hex serial");
        }
        if (issuer == null || !issuer.isString() || issuer.stringValue().isEmpty()
                || issuer.stringValue().length() > 4096) {
            throw new FeedProtocolException("malformed", "event without an issuer name");
        }
        try {
            return new CertificateId(new X500Principal(issuer.stringValue()), new BigInteger(serial.stringValue(), 16));
        } catch (IllegalArgumentException e) {
            throw new FeedProtocolException("malformed", "event with an unreadable issuer name");
        }
    }

    private static Instant instant(JsonNode node, String field, boolean required) throws FeedProtocolException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new FeedProtocolException("malformed", "event without " + field);
            }
            return null;
        }
        if (!value.isString()) {
            throw new FeedProtocolException("malformed", "event " + field + " is not a string");
        }
        try {
            return Instant.parse(value.stringValue());
        } catch (DateTimeParseException e) {
            try {
                // 2026-12-07T02:40:00.123+08:00: what a serializer configured for offsets writes.
                return java.time.OffsetDateTime.parse(value.stringValue()).toInstant();
            } catch (DateTimeParseException again) {
                throw new FeedProtocolException("malformed", "event " + field + " is not an ISO-8601 instant");
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** Stops reading: closes the stream and waits briefly for the thread. */
    @Override
    public void close() {
        closed = true;
        HttpURLConnection c = current;
        if (c != null) {
            c.disconnect();
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connected = false;
        gauges.close();
    }
}
