package io.gmtls.pki.store;

import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.RevocationEvent;
import io.gmtls.pki.core.RevocationEventLog;
import io.gmtls.pki.core.RevocationReason;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The revocation feed's log in table {@code revocation_event} (migration V32). {@link JdbcCertificateStore}
 * appends in its revoke/release transaction; a deferred trigger gives each event its final seq at
 * commit, so seq order is commit order (see the migration).
 */
public final class JdbcRevocationEventLog implements RevocationEventLog {

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshotTx;

    /**
     * @param jdbc    over the same DataSource as {@code manager}
     * @param manager for the snapshot's read-only REPEATABLE READ transaction
     */
    public JdbcRevocationEventLog(JdbcClient jdbc, PlatformTransactionManager manager) {
        this.jdbc = jdbc;
        this.snapshotTx = new TransactionTemplate(manager);
        snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTx.setReadOnly(true);
    }

    /** Appends one event in the caller's transaction (its seq is final when that transaction commits). */
    static void append(JdbcClient jdbc, RevocationEvent.Kind kind, IssuedCertificate certificate,
            RevocationReason reason, Instant at) {
        jdbc.sql("""
                INSERT INTO revocation_event (serial, issuer, kind, reason, occurred_at, not_after)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
                .params(certificate.serial(), RevocationEvent.issuerOf(certificate.der()), kind.wire(),
                        reason == null ? null : reason.rfcName(), Timestamp.from(at),
                        Timestamp.from(certificate.notAfter()))
                .update();
    }

    @Override
    public RevocationEvent.Bounds bounds() {
        return jdbc.sql("SELECT min(seq), max(seq) FROM revocation_event").query((rs, n) -> {
            long head = rs.getLong(2);
            Object oldest = rs.getObject(1);
            return new RevocationEvent.Bounds(oldest == null ? head + 1 : rs.getLong(1), head);
        }).single();
    }

    @Override
    public List<RevocationEvent> after(long after, int limit) {
        return jdbc.sql("""
                SELECT seq, kind, serial, issuer, reason, occurred_at, not_after FROM revocation_event
                 WHERE seq > ? ORDER BY seq LIMIT ?
                """)
                .params(after, limit)
                .query(JdbcRevocationEventLog::map)
                .list();
    }

    @Override
    public RevocationEvent.Snapshot snapshot(Instant now) {
        return snapshotTx.execute(status -> {
            long head = jdbc.sql("SELECT coalesce(max(seq), 0) FROM revocation_event").query(Long.class).single();
            List<RevocationEvent.Revoked> revoked = jdbc.sql("""
                    SELECT c.serial, c.der, r.reason, r.revoked_at, c.not_after
                      FROM revocation r JOIN certificate c ON c.id = r.certificate_id
                     WHERE c.not_after > ? ORDER BY r.id
                    """)
                    .param(Timestamp.from(now))
                    .query((rs, n) -> new RevocationEvent.Revoked(rs.getString(1),
                            RevocationEvent.issuerOf(rs.getBytes(2)), RevocationReason.ofCode(rs.getInt(3)),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()))
                    .list();
            return new RevocationEvent.Snapshot(head, revoked);
        });
    }

    @Override
    public int prune(Instant now, Duration retention) {
        return jdbc.sql("""
                DELETE FROM revocation_event
                 WHERE not_after < ? AND occurred_at < ?
                   AND seq < (SELECT max(seq) FROM revocation_event)
                """)
                .params(Timestamp.from(now), Timestamp.from(now.minus(retention)))
                .update();
    }

    private static RevocationEvent map(ResultSet rs, int rowNum) throws SQLException {
        String reason = rs.getString("reason");
        return new RevocationEvent(rs.getLong("seq"), RevocationEvent.Kind.ofWire(rs.getString("kind")),
                rs.getString("serial"), rs.getString("issuer"), reason == null ? null : reasonOf(reason),
                rs.getTimestamp("occurred_at").toInstant(), rs.getTimestamp("not_after").toInstant());
    }

    private static RevocationReason reasonOf(String rfcName) {
        for (RevocationReason r : RevocationReason.values()) {
            if (r.rfcName().equals(rfcName)) {
                return r;
            }
        }
        throw new IllegalStateException("unknown reason in revocation_event: " + rfcName);
    }
}
