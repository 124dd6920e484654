package io.gmtls.pki.console;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.web.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in console sessions, in memory on this node: an API key is exchanged for a random session id
 * (the cookie) and a per-session CSRF token. A session ends at sign-out or after the idle timeout; a
 * restart ends them all (the operator signs in again). Bounded: sign-in is refused when
 * {@link #MAX_SESSIONS} live sessions exist.
 */
public final class ConsoleSessions {

    /** Live sessions at most (expired ones are dropped first when the bound is reached). */
    public static final int MAX_SESSIONS = 10_000;

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;
    private final SecureRandom random;

    public ConsoleSessions(Duration idleTimeout, Clock clock, SecureRandom random) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.random = random;
    }

    /** A signed-in caller; {@code lastSeen} moves with each request. */
    public static final class Session {
        private final String id;
        private final ApiKeys.Caller caller;
        private final String csrfToken;
        private volatile Instant lastSeen;

        Session(String id, ApiKeys.Caller caller, String csrfToken, Instant now) {
            this.id = id;
            this.caller = caller;
            this.csrfToken = csrfToken;
            this.lastSeen = now;
        }

        public String id() {
            return id;
        }

        public ApiKeys.Caller caller() {
            return caller;
        }

        /** The token every form of this session carries. */
        public String csrfToken() {
            return csrfToken;
        }

        /** Constant-time comparison with a presented token. */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The idle timeout (also the cookie's lifetime). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Opens a session for a caller whose API key was just checked. */
    public Session open(ApiKeys.Caller caller) {
        Instant now = clock.instant();
        if (byId.size() >= MAX_SESSIONS) {
            byId.values().removeIf(s -> expired(s, now));
            if (byId.size() >= MAX_SESSIONS) {
                throw new PkiException(PkiException.Kind.UNAVAILABLE, "too many console sessions; try again later");
            }
        }
        Session s = new Session(randomToken(), caller, randomToken(), now);
        byId.put(s.id(), s);
        return s;
    }

    /** The live session of an id, its idle time restarted; an expired one is removed. */
    public Optional<Session> touch(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            byId.remove(id, s);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    /** Ends a session (sign-out). */
    public void close(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    private boolean expired(Session s, Instant now) {
        return !s.lastSeen.plus(idleTimeout).isAfter(now);
    }

    /** 256 random bits, base64url without padding (43 characters). */
    String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
