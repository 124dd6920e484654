package io.gmtls.pki.store;

import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.StoredAuditEvent;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The audit log in PostgreSQL. Appends lock the single head row, so the chain is linear.
 *
 * <p>Inside a transaction, events are kept until the transaction is about to commit and written then,
 * as its last statements: the head row is the last lock every transaction takes, whatever order its
 * work ran in (a renewal that issues, then revokes; a token consumed after issuance). With the head
 * taken in the middle, two transactions that lock the same rows (a certificate, the revocation table)
 * in different places could each hold what the other waits for. Outside a transaction an event is
 * written at once.
 */
public final class JdbcAuditLog implements AuditLog {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Clock clock;
    /** Events waiting for their transaction's commit, by that transaction's connection holder. */
    private final ThreadLocal<Map<Object, List<AuditEvent>>> pending = ThreadLocal.withInitial(IdentityHashMap::new);

    public JdbcAuditLog(JdbcClient jdbc, JdbcTemplate template, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.clock = clock;
    }

    private record Head(long seq, String hash) {
    }

    @Override
    public void append(AuditEvent e) {
        Object transaction = TransactionSynchronizationManager.isSynchronizationActive()
                ? TransactionSynchronizationManager.getResource(template.getDataSource()) : null;
        if (transaction == null) {
            write(List.of(e));
            return;
        }
        Map<Object, List<AuditEvent>> byTransaction = pending.get();
        List<AuditEvent> events = byTransaction.get(transaction);
        if (events == null) {
            List<AuditEvent> created = new ArrayList<>();
            byTransaction.put(transaction, created);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public int getOrder() {
                    return Ordered.LOWEST_PRECEDENCE;
                }

                @Override
                public void beforeCommit(boolean readOnly) {
                    // A failure here rolls the whole transaction back: no operation without its event.
                    write(created);
                }

                @Override
                public void afterCompletion(int status) {
                    pending.get().remove(transaction);
                }
            });
            events = created;
        }
        events.add(e);
    }

    /** Appends events under the head lock (one statement for a single event, a batch for more). */
    private void write(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Head head = jdbc.sql("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        Instant at = AuditChain.truncate(clock.instant());
        List<Object[]> rows = new ArrayList<>(events.size());
        long seq = head.seq();
        String previous = head.hash();
        for (AuditEvent e : events) {
            seq++;
            String hash = AuditChain.hash(previous, seq, at, e.actor().name(), e.actor().role(), e.action(),
                    e.target(), e.outcome(), e.detail());
            rows.add(new Object[] {seq, Timestamp.from(at), e.actor().name(), e.actor().role(), e.action(), e.target(),
                    e.outcome().name(), e.detail(), previous, hash});
            previous = hash;
        }
        if (rows.size() == 1) {
            // The event and the new head in one statement (one round trip while the head row is locked).
            Object[] r = rows.get(0);
            jdbc.sql("""
                    WITH event AS (
                        INSERT INTO audit_event (seq, at, actor, actor_role, action, target, outcome, detail, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))
                    UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1
                    """)
                    .params(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], seq, previous)
                    .update();
            return;
        }
        template.batchUpdate("""
                INSERT INTO audit_event (seq, at, actor, actor_role, action, target, outcome, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, rows);
        jdbc.sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1").params(seq, previous).update();
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
