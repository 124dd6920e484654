package io.gmtls.enrollment.service;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Old certificates of renewed vehicles, waiting to be revoked (reason superseded) when their overlap ends. */
public final class SupersededPairs {

    /** One certificate due for revocation. */
    public record Due(String serial, String vin, String replacedBy) {
    }

    private final JdbcClient jdbc;

    public SupersededPairs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Schedules a certificate (in the caller's transaction); a certificate already scheduled keeps its date. */
    public void schedule(String serial, String vin, String replacedBy, Instant dueAt) {
        jdbc.sql("""
                INSERT INTO enrollment_supersede (serial, vin, replaced_by, due_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (serial) DO NOTHING
                """).params(serial, vin, replacedBy, Timestamp.from(dueAt)).update();
    }

    public boolean isScheduled(String serial) {
        return jdbc.sql("SELECT 1 FROM enrollment_supersede WHERE serial = ?").param(serial).query(Integer.class)
                .optional().isPresent();
    }

    /**
     * Locks up to {@code limit} due rows for the caller's transaction, skipping rows another node holds.
     */
    public List<Due> lockDue(Instant now, int limit) {
        return jdbc.sql("""
                SELECT serial, vin, replaced_by FROM enrollment_supersede
                 WHERE due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED
                """).params(Timestamp.from(now), limit)
                .query((rs, n) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    public void remove(String serial) {
        jdbc.sql("DELETE FROM enrollment_supersede WHERE serial = ?").param(serial).update();
    }
}
