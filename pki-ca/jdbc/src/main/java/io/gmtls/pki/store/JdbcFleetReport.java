package io.gmtls.pki.store;

import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.core.StoredAuditEvent;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link FleetReport} on PostgreSQL: each figure is one aggregate query over the indexed tables (no row
 * is loaded only to be counted). Read-only.
 */
public final class JdbcFleetReport implements FleetReport {

    /** Longest chart the overview asks for. */
    private static final int MAX_DAYS = 366;

    private final JdbcClient jdbc;

    public JdbcFleetReport(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Summary summary(Instant now, int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + MAX_DAYS);
        }
        Timestamp at = Timestamp.from(now);
        // "Enrolled" is what the broker rules call a usable certificate of its own (Vehicle.perModelRefusal).
        List<ModelCount> models = jdbc.sql("""
                SELECT m.code, m.name, m.per_model_allowed, m.enrollment_allowed,
                       count(v.vin) AS vehicles,
                       count(v.vin) FILTER (WHERE v.blocked) AS blocked,
                       count(v.vin) FILTER (WHERE EXISTS (
                           SELECT 1 FROM certificate c
                           WHERE c.vin = v.vin AND c.usage = 'VEHICLE_SIGNING' AND c.status = 'VALID'
                             AND c.not_before <= ? AND c.not_after > ?)) AS enrolled
                FROM vehicle_model m LEFT JOIN vehicle v ON v.model_code = m.code
                GROUP BY m.code, m.name, m.per_model_allowed, m.enrollment_allowed
                ORDER BY m.code
                """).params(at, at).query((rs, n) -> new ModelCount(rs.getString("code"), rs.getString("name"),
                rs.getBoolean("per_model_allowed"), rs.getBoolean("enrollment_allowed"), rs.getLong("vehicles"),
                rs.getLong("enrolled"), rs.getLong("blocked"))).list();

        long[] expiring = jdbc.sql("""
                SELECT count(*) FILTER (WHERE not_after <= ?) AS d30, count(*) FILTER (WHERE not_after <= ?) AS d90
                FROM certificate WHERE status = 'VALID' AND not_after > ?
                """).params(Timestamp.from(now.plus(30, ChronoUnit.DAYS)), Timestamp.from(now.plus(90, ChronoUnit.DAYS)), at)
                .query((rs, n) -> new long[] {rs.getLong("d30"), rs.getLong("d90")}).single();

        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        Timestamp from = Timestamp.from(first.atStartOfDay(ZoneOffset.UTC).toInstant());
        Map<LocalDate, Long> issued = perDay("""
                SELECT (issued_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM certificate
                WHERE issued_at >= ? GROUP BY 1
                """, from);
        Map<LocalDate, Long> revoked = perDay("""
                SELECT (revoked_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM revocation
                WHERE revoked_at >= ? GROUP BY 1
                """, from);
        List<DayCount> perDay = new ArrayList<>(days);
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            perDay.add(new DayCount(d, issued.getOrDefault(d, 0L), revoked.getOrDefault(d, 0L)));
        }

        Map<String, Long> deltas = new HashMap<>();
        jdbc.sql("SELECT ca_name, max(number) AS n FROM crl WHERE delta GROUP BY ca_name")
                .query(rs -> {
                    deltas.put(rs.getString("ca_name"), rs.getLong("n"));
                });
        List<CrlState> crls = jdbc.sql("""
                SELECT DISTINCT ON (ca_name) ca_name, number, this_update, next_update FROM crl
                WHERE NOT delta ORDER BY ca_name, number DESC
                """).query((rs, n) -> new CrlState(rs.getString("ca_name"), rs.getLong("number"),
                rs.getTimestamp("this_update").toInstant(), rs.getTimestamp("next_update").toInstant(),
                deltas.get(rs.getString("ca_name")))).list();
        return new Summary(models, expiring[0], expiring[1], perDay, crls);
    }

    private Map<LocalDate, Long> perDay(String sql, Timestamp from) {
        Map<LocalDate, Long> out = new HashMap<>();
        jdbc.sql(sql).param(from).query(rs -> {
            out.put(rs.getDate("day").toLocalDate(), rs.getLong("n"));
        });
        return out;
    }

    @Override
    public List<StoredAuditEvent> auditEvents(AuditFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_event WHERE true");
        List<Object> params = new ArrayList<>();
        if (!filter.targets().isEmpty()) {
            sql.append(" AND target IN (").append(String.join(", ", java.util.Collections.nCopies(
                    filter.targets().size(), "?"))).append(")");
            params.addAll(filter.targets());
        }
        if (filter.action() != null) {
            if (filter.action().endsWith(".")) {
                sql.append(" AND action LIKE ? ESCAPE '\\'");
                params.add(filter.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            } else {
                sql.append(" AND action = ?");
                params.add(filter.action());
            }
        }
        if (filter.actor() != null) {
            sql.append(" AND actor = ?");
            params.add(filter.actor());
        }
        if (filter.outcome() != null) {
            sql.append(" AND outcome = ?");
            params.add(filter.outcome().name());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        params.add(filter.limit());
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new StoredAuditEvent(rs.getLong("seq"),
                rs.getTimestamp("at").toInstant(), rs.getString("actor"), rs.getString("actor_role"),
                rs.getString("action"), rs.getString("target"), AuditOutcome.valueOf(rs.getString("outcome")),
                rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"))).list();
    }
}
