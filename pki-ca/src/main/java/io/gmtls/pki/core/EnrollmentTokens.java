package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        return transactions.inTransaction(() -> {
            Optional<String> vin = store.consume(hash(token), clock.instant());
            vin.ifPresent(v -> audit.append(AuditEvent.success(actor, "token.consume", v, "")));
            return vin;
        });
    }

    static String hash(String token) {
        return Fingerprints.sm3Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
