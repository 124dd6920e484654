package io.gmtls.pki.store;

import io.gmtls.pki.core.EnrollmentCredentialStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Enrollment tokens (SM3 hashes only) in PostgreSQL. */
public final class JdbcEnrollmentCredentialStore implements EnrollmentCredentialStore {

    private final JdbcClient jdbc;

    public JdbcEnrollmentCredentialStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(String tokenHash, String vin, Instant expiresAt) {
        jdbc.sql("INSERT INTO enrollment_credential (token_sm3, vin, expires_at) VALUES (?, ?, ?)")
                .params(tokenHash, vin, Timestamp.from(expiresAt)).update();
    }

    @Override
    public Optional<StoredToken> find(String tokenHash) {
        return jdbc.sql("SELECT vin, expires_at, used_at FROM enrollment_credential WHERE token_sm3 = ?")
                .param(tokenHash)
                .query((rs, n) -> new StoredToken(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .optional();
    }

    @Override
    public Optional<String> consume(String tokenHash, Instant now) {
        return jdbc.sql("""
                UPDATE enrollment_credential SET used_at = ?
                 WHERE token_sm3 = ? AND used_at IS NULL AND expires_at > ?
                RETURNING vin
                """).params(Timestamp.from(now), tokenHash, Timestamp.from(now)).query(String.class).optional();
    }
}
