package io.gmtls.pki.core;

import java.time.Instant;
import java.util.Optional;

/** One-time enrollment tokens, stored as SM3 hashes (a port). */
public interface EnrollmentCredentialStore {

    void insert(String tokenHash, String vin, Instant expiresAt);

    /** What is stored about a token, by its hash. */
    Optional<StoredToken> find(String tokenHash);

    /** A stored token: its VIN, expiry and when it was used (null: unused). */
    record StoredToken(String vin, Instant expiresAt, Instant usedAt) {
    }

    /** Marks the token used and returns its VIN, when it exists, is unused and unexpired at {@code now}. */
    Optional<String> consume(String tokenHash, Instant now);
}
