package io.gmtls.pki.store;

import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.AuditCheckpoint;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.StoredAuditEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    // ---------------------------------------------------------------------------------------------
    // Signed checkpoints (issue 11 item 20)

    /** The newest stored checkpoint of a checkpoint key, if any. */
    public Optional<AuditCheckpoint> latestCheckpoint(String keyId) {
        return jdbc.sql("SELECT * FROM audit_checkpoint WHERE key_id = ? ORDER BY seq DESC LIMIT 1").param(keyId)
                .query(JdbcAuditLog::checkpoint).optional();
    }

    /**
     * Signs and stores a checkpoint of the committed head when events were added since the newest
     * checkpoint of the anchor's key; returns it (empty when there was nothing new).
     */
    public Optional<AuditCheckpoint> checkpoint(AuditAnchor anchor) {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        long anchored = latestCheckpoint(anchor.keyId()).map(AuditCheckpoint::seq).orElse(0L);
        if (head.seq() <= anchored) {
            return Optional.empty();
        }
        AuditCheckpoint c = anchor.sign(head.seq(), head.hash(), clock.instant());
        int rows = jdbc.sql("""
                INSERT INTO audit_checkpoint (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key_id, seq) DO NOTHING
                """).params(c.seq(), c.headHash(), Timestamp.from(c.at()), c.keyId(), c.signature()).update();
        return rows == 1 ? Optional.of(c) : Optional.empty();
    }

    /**
     * Walks the chain as {@link #verify()} does and also checks it against the signed checkpoints: every
     * checkpoint's signature (by the anchor's key, which the database cannot use), the hash of the event
     * each one names, none of them beyond the head or removed since this process signed it, and no
     * events left unanchored for longer than {@code maxUnanchored} after the newest checkpoint (so that
     * dropping the newest checkpoints to rewrite the events after them is noticed too).
     */
    public AuditChain.Verification verify(AuditAnchor anchor, Instant now, Duration maxUnanchored) {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        // Only the anchor's own key is trusted: rows under any other key id prove nothing.
        List<AuditCheckpoint> checkpoints = jdbc.sql("SELECT * FROM audit_checkpoint WHERE key_id = ? ORDER BY seq")
                .param(anchor.keyId()).query(JdbcAuditLog::checkpoint).list();
        for (AuditCheckpoint c : checkpoints) {
            if (!anchor.verifies(c)) {
                return broken(0, c.seq(), "the checkpoint at event " + c.seq()
                        + " does not verify with the checkpoint key: forged or altered");
            }
        }
        long anchored = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1).seq();
        if (anchored > head.seq()) {
            return broken(0, head.seq() + 1, "events after " + head.seq() + " were removed (a signed checkpoint covers event "
                    + anchored + ")");
        }
        if (anchor.highestSigned() > anchored) {
            return broken(0, anchored + 1, "signed checkpoints after event " + anchored + " were removed");
        }
        AuditChain.Verifier verifier = new AuditChain.Verifier();
        AuditChain.Verification[] mismatch = new AuditChain.Verification[1];
        Iterator<AuditCheckpoint> pending = checkpoints.iterator();
        AuditCheckpoint[] next = {pending.hasNext() ? pending.next() : null};
        Instant[] firstEventAt = new Instant[1];
        template.query(con -> {
            var ps = con.prepareStatement("SELECT * FROM audit_event WHERE seq <= ? ORDER BY seq");
            ps.setLong(1, head.seq());
            ps.setFetchSize(1000);
            return ps;
        }, rs -> {
            StoredAuditEvent e = map(rs);
            if (mismatch[0] != null || !verifier.accept(e)) {
                return;
            }
            if (firstEventAt[0] == null) {
                firstEventAt[0] = e.at();
            }
            while (next[0] != null && next[0].seq() <= e.seq()) {
                if (next[0].seq() == e.seq() && !MessageDigest.isEqual(next[0].headHash().getBytes(StandardCharsets.US_ASCII),
                        e.hash().getBytes(StandardCharsets.US_ASCII))) {
                    mismatch[0] = broken(e.seq() - 1, e.seq(), "the chain up to event " + e.seq()
                            + " does not match its signed checkpoint: the log was rewritten at or before it");
                    return;
                }
                next[0] = pending.hasNext() ? pending.next() : null;
            }
        });
        if (mismatch[0] != null) {
            // The walk stopped there: what the unkeyed chain says about the rest is beside the point.
            return mismatch[0];
        }
        AuditChain.Verification chain = verifier.finish(head.seq(), head.hash());
        if (!chain.intact()) {
            return chain;
        }
        if (head.seq() > anchored) {
            Instant since = checkpoints.isEmpty() ? firstEventAt[0] : checkpoints.get(checkpoints.size() - 1).at();
            if (since != null && since.isBefore(now.minus(maxUnanchored))) {
                return broken(chain.eventsChecked(), anchored + 1, "events after " + anchored
                        + " are not covered by a signed checkpoint and the newest one is from " + since
                        + ": checkpoints were removed or are not being written");
            }
        }
        return new AuditChain.Verification(true, chain.eventsChecked(), null, "chain intact; " + checkpoints.size()
                + " signed checkpoint(s) verified, the newest at event " + anchored);
    }

    private static AuditChain.Verification broken(long checked, long seq, String reason) {
        return new AuditChain.Verification(false, checked, seq, reason);
    }

    private static AuditCheckpoint checkpoint(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AuditCheckpoint(rs.getLong("seq"), rs.getString("head_hash"), rs.getTimestamp("at").toInstant(),
                rs.getString("key_id"), rs.getBytes("signature"));
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
