package io.gmtls.enrollment.service;

import io.gmtls.pki.core.crypto.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Read-only view of pki-ca's enrollment tokens ({@code enrollment_credential}, SM3 hashes only), so that a
 * refusal can say why (unknown, used, expired, other VIN). Using a token up stays with pki-ca's
 * {@code EnrollmentTokens.consume}, in the enrollment's transaction.
 */
public final class TokenLookup {

    /** The longest token looked at (pki-ca's tokens are 43 characters). */
    public static final int MAX_TOKEN_LENGTH = 128;

    /** What is stored about a token. */
    public record TokenState(String vin, Instant expiresAt, Instant usedAt) {
    }

    private final JdbcClient jdbc;

    public TokenLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The SM3 hash a token is stored under (the same function as pki-ca's EnrollmentTokens). */
    public static String hash(String token) {
        return Fingerprints.sm3Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    public Optional<TokenState> find(String tokenHash) {
        return jdbc.sql("SELECT vin, expires_at, used_at FROM enrollment_credential WHERE token_sm3 = ?")
                .param(tokenHash)
                .query((rs, n) -> new TokenState(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .optional();
    }
}
