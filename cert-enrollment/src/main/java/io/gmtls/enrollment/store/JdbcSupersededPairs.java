package io.gmtls.enrollment.store;

import io.gmtls.enrollment.service.SupersededPairs;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link SupersededPairs} in PostgreSQL ({@code enrollment_supersede}). */
public final class JdbcSupersededPairs implements SupersededPairs {

    private final JdbcClient jdbc;

    public JdbcSupersededPairs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void schedule(String serial, String vin, String replacedBy, Instant dueAt) {
        jdbc.sql("""
                INSERT INTO enrollment_supersede (serial, vin, replaced_by, due_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (serial) DO NOTHING
                """).params(serial, vin, replacedBy, Timestamp.from(dueAt)).update();
    }

    @Override
    public boolean isScheduled(String serial) {
        return jdbc.sql("SELECT 1 FROM enrollment_supersede WHERE serial = ?").param(serial).query(Integer.class)
                .optional().isPresent();
    }

    /** Skips rows another node holds ({@code FOR UPDATE SKIP LOCKED}). */
    @Override
    public List<Due> lockDue(Instant now, int limit) {
        return jdbc.sql("""
                SELECT serial, vin, replaced_by FROM enrollment_supersede
                 WHERE due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED
                """).params(Timestamp.from(now), limit)
                .query((rs, n) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    @Override
    public void remove(String serial) {
        jdbc.sql("DELETE FROM enrollment_supersede WHERE serial = ?").param(serial).update();
    }
}
