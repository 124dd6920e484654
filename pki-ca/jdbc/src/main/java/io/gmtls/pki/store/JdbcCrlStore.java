package io.gmtls.pki.store;

import io.gmtls.pki.core.CrlStore;
import java.sql.Timestamp;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Published CRLs in PostgreSQL. */
public final class JdbcCrlStore implements CrlStore {

    private final JdbcClient jdbc;

    public JdbcCrlStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(StoredCrl crl) {
        jdbc.sql("""
                INSERT INTO crl (ca_name, number, delta, base_number, max_revocation_id, this_update, next_update, der)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .params(crl.caName(), crl.number(), crl.delta(), crl.baseNumber(), crl.maxRevocationId(),
                        Timestamp.from(crl.thisUpdate()), Timestamp.from(crl.nextUpdate()), crl.der())
                .update();
    }

    @Override
    public Optional<StoredCrl> latest(String caName, boolean delta) {
        return jdbc.sql("""
                SELECT ca_name, number, delta, base_number, max_revocation_id, this_update, next_update, der
                  FROM crl WHERE ca_name = ? AND delta = ? ORDER BY number DESC LIMIT 1
                """).params(caName, delta)
                .query((rs, n) -> new StoredCrl(rs.getString(1), rs.getLong(2), rs.getBoolean(3),
                        (Long) rs.getObject(4, Long.class), rs.getLong(5), rs.getTimestamp(6).toInstant(),
                        rs.getTimestamp(7).toInstant(), rs.getBytes(8)))
                .optional();
    }
}
