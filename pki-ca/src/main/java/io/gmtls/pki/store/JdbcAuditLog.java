package io.gmtls.pki.store;

import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.StoredAuditEvent;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log in PostgreSQL. Appends lock the single head row, so the chain is linear; the lock is
 * held to the end of the caller's transaction (appends are the last statement of each operation).
 */
public final class JdbcAuditLog implements AuditLog {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Clock clock;

    public JdbcAuditLog(JdbcClient jdbc, JdbcTemplate template, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.clock = clock;
    }

    private record Head(long seq, String hash) {
    }

    @Override
    public void append(AuditEvent e) {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        long seq = head.seq() + 1;
        Instant at = AuditChain.truncate(clock.instant());
        String hash = AuditChain.hash(head.hash(), seq, at, e.actor().name(), e.actor().role(), e.action(), e.target(),
                e.outcome(), e.detail());
        // The event and the new head in one statement (one round trip while the head row is locked).
        jdbc.sql("""
                WITH event AS (
                    INSERT INTO audit_event (seq, at, actor, actor_role, action, target, outcome, detail, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))
                UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1
                """)
                .params(seq, Timestamp.from(at), e.actor().name(), e.actor().role(), e.action(), e.target(),
                        e.outcome().name(), e.detail(), head.hash(), hash, seq, hash)
                .update();
    }

    @Override
    public AuditChain.Verification verify() {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        AuditChain.Verifier verifier = new AuditChain.Verifier();
        template.query(con -> {
            var ps = con.prepareStatement("SELECT * FROM audit_event WHERE seq <= ? ORDER BY seq");
            ps.setLong(1, head.seq());
            ps.setFetchSize(1000);
            return ps;
        }, rs -> {
            verifier.accept(map(rs));
        });
        return verifier.finish(head.seq(), head.hash());
    }

    /** The newest events, newest first (for the admin API). */
    public List<StoredAuditEvent> recent(int limit, String target) {
        if (target != null) {
            return jdbc.sql("SELECT * FROM audit_event WHERE target = ? ORDER BY seq DESC LIMIT ?")
                    .params(target, limit).query((rs, n) -> map(rs)).list();
        }
        return jdbc.sql("SELECT * FROM audit_event ORDER BY seq DESC LIMIT ?").param(limit)
                .query((rs, n) -> map(rs)).list();
    }

    private static StoredAuditEvent map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredAuditEvent(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
                rs.getString("actor_role"), rs.getString("action"), rs.getString("target"),
                AuditOutcome.valueOf(rs.getString("outcome")), rs.getString("detail"), rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
