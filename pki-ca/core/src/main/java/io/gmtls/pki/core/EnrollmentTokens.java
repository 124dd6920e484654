package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * One-time enrollment tokens for the enrollment service: 256 random bits shown once to the caller,
 * stored only as their SM3 hash, single use, expiring.
 */
public final class EnrollmentTokens {

    private static final Duration MAX_TTL = Duration.ofDays(365);

    private final EnrollmentCredentialStore store;
    private final VehicleRegistry vehicles;
    private final AuditLog audit;
    private final Transactions transactions;
    private final SecureRandom random;
    private final Clock clock;

    public EnrollmentTokens(EnrollmentCredentialStore store, VehicleRegistry vehicles, AuditLog audit,
            Transactions transactions, SecureRandom random, Clock clock) {
        this.store = store;
        this.vehicles = vehicles;
        this.audit = audit;
        this.transactions = transactions;
        this.random = random;
        this.clock = clock;
    }

    /** Creates a token for a registered VIN; the returned token is not stored anywhere. */
    public String issue(String vin, Duration ttl, Actor actor) {
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw PkiException.badRequest("ttl must be between 1 second and 365 days");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        transactions.inTransaction(() -> {
            vehicles.vehicle(vin).orElseThrow(() -> PkiException.badRequest("VIN " + vin + " is not registered"));
            store.insert(hash(token), vin, clock.instant().plus(ttl));
            audit.append(AuditEvent.success(actor, "token.issue", vin, "ttl=" + ttl));
            return null;
        });
        return token;
    }

    /** Uses a token up; returns its VIN when it was valid. */
    public Optional<String> consume(String token, Actor actor) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return transactions.inTransaction(() -> {
            Optional<String> vin = store.consume(hash(token), clock.instant());
            vin.ifPresent(v -> audit.append(AuditEvent.success(actor, "token.consume", v, "")));
            return vin;
        });
    }

    /** The longest token looked at (ours are 43 characters); longer ones are UNKNOWN. */
    public static final int MAX_TOKEN_LENGTH = 128;

    /** Where a token stands. */
    public enum TokenStatus {
        /** No such token (or not a token at all). */
        UNKNOWN,
        /** Unused and unexpired: {@link #consume} would accept it now. */
        VALID,
        /** Already used. */
        USED,
        /** Unused but expired. */
        EXPIRED
    }

    /**
     * A token's state, so that a caller can say why a token is refused. Only {@link #consume} uses a
     * token up.
     *
     * @param status    where it stands
     * @param vin       the VIN it is bound to (null when UNKNOWN)
     * @param expiresAt when it expires (null when UNKNOWN)
     */
    public record TokenState(TokenStatus status, String vin, Instant expiresAt) {
        static final TokenState UNKNOWN = new TokenState(TokenStatus.UNKNOWN, null, null);
    }

    /** The state of a token at the CA's current time (reads only; no audit event). */
    public TokenState state(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return TokenState.UNKNOWN;
        }
        Instant now = clock.instant();
        return store.find(hash(token)).map(t -> new TokenState(
                t.usedAt() != null ? TokenStatus.USED : t.expiresAt().isAfter(now) ? TokenStatus.VALID
                        : TokenStatus.EXPIRED,
                t.vin(), t.expiresAt())).orElse(TokenState.UNKNOWN);
    }

    /**
     * The SM3 hash (lowercase hex) a token is stored under: what a caller may keep to recognise a token
     * again (e.g. a retried request) without keeping the token itself.
     */
    public static String fingerprint(String token) {
        return Fingerprints.sm3Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    static String hash(String token) {
        return fingerprint(token);
    }
}
