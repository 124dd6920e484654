package io.gmtls.pki.store;

import io.gmtls.pki.core.CertificateQuery;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.CertificateStore;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationEvent;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Certificates and revocations in PostgreSQL. */
public final class JdbcCertificateStore implements CertificateStore {

    private static final String SELECT = """
            SELECT c.serial, c.ca_name, c.profile, c.usage, c.subject, c.common_name, c.vin, c.model_code,
                   c.status, c.not_before, c.not_after, c.fingerprint_sm3, c.der, r.revoked_at, r.reason
              FROM certificate c LEFT JOIN revocation r ON r.certificate_id = c.id
            """;

    private final JdbcClient jdbc;

    public JdbcCertificateStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(IssuedCertificate c, byte[] escrowedKey) {
        int rows = jdbc.sql("""
                INSERT INTO certificate (serial, ca_name, profile, usage, subject, common_name, vin, model_code,
                                         status, not_before, not_after, fingerprint_sm3, der, escrowed_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (serial) DO NOTHING
                """)
                .params(c.serial(), c.caName(), c.profile(), c.usage().name(), c.subject(), c.commonName(), c.vin(),
                        c.modelCode(), c.status().name(), Timestamp.from(c.notBefore()), Timestamp.from(c.notAfter()),
                        c.fingerprint(), c.der(), escrowedKey)
                .update();
        if (rows == 1) {
            notifyIssued(List.of(c));
        }
        return rows == 1;
    }

    /**
     * A new vehicle signing certificate ends the per-model credential's admission of its VIN (issue 13):
     * every node's decision caches must drop a cached per-model allow, as on a revocation. Sent at
     * commit; one constant payload, so that PostgreSQL folds the notifications of one transaction.
     */
    private void notifyIssued(List<IssuedCertificate> inserted) {
        if (inserted.stream().anyMatch(c -> c.vin() != null
                && c.usage() == io.gmtls.pki.core.profile.ProfileUsage.VEHICLE_SIGNING)) {
            jdbc.sql("SELECT pg_notify(?, ?)").params(ChangeChannel.NAME, "issued").query().singleRow();
        }
    }

    /** One multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING serial: one round trip for a vehicle's pair. */
    @Override
    public Set<String> insertAll(List<IssuedCertificate> certificates, List<byte[]> escrowedKeys) {
        if (certificates.isEmpty()) {
            return Set.of();
        }
        StringBuilder sql = new StringBuilder("INSERT INTO certificate (serial, ca_name, profile, usage, subject, "
                + "common_name, vin, model_code, status, not_before, not_after, fingerprint_sm3, der, escrowed_key) VALUES ");
        List<Object> params = new ArrayList<>(certificates.size() * 14);
        for (int i = 0; i < certificates.size(); i++) {
            IssuedCertificate c = certificates.get(i);
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            params.addAll(Arrays.asList(c.serial(), c.caName(), c.profile(), c.usage().name(), c.subject(),
                    c.commonName(), c.vin(), c.modelCode(), c.status().name(), Timestamp.from(c.notBefore()),
                    Timestamp.from(c.notAfter()), c.fingerprint(), c.der(), escrowedKeys.get(i)));
        }
        sql.append(" ON CONFLICT (serial) DO NOTHING RETURNING serial");
        Set<String> inserted = new HashSet<>(jdbc.sql(sql.toString()).params(params).query(String.class).list());
        notifyIssued(certificates.stream().filter(c -> inserted.contains(c.serial())).toList());
        Set<String> taken = new HashSet<>();
        for (IssuedCertificate c : certificates) {
            if (!inserted.contains(c.serial())) {
                taken.add(c.serial());
            }
        }
        return taken;
    }

    @Override
    public Optional<IssuedCertificate> findBySerial(String serial) {
        return jdbc.sql(SELECT + " WHERE c.serial = ?").param(serial).query(JdbcCertificateStore::map).optional();
    }

    @Override
    public List<IssuedCertificate> search(CertificateQuery q) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (q.vin() != null) {
            sql.append(" AND c.vin = ?");
            params.add(q.vin());
        }
        if (q.commonName() != null) {
            sql.append(" AND c.common_name = ?");
            params.add(q.commonName());
        }
        if (q.serial() != null) {
            sql.append(" AND c.serial = ?");
            params.add(q.serial());
        }
        if (q.status() != null) {
            sql.append(" AND c.status = ?");
            params.add(q.status().name());
        }
        if (q.profile() != null) {
            sql.append(" AND c.profile = ?");
            params.add(q.profile());
        }
        sql.append(" ORDER BY c.id DESC LIMIT ?");
        params.add(q.limit());
        return jdbc.sql(sql.toString()).params(params).query(JdbcCertificateStore::map).list();
    }

    @Override
    public Optional<IssuedCertificate> revoke(String serial, RevocationReason reason, Instant at) {
        Optional<Row> row = jdbc.sql("SELECT id, status, ca_name FROM certificate WHERE serial = ? FOR UPDATE")
                .param(serial)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .optional();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (CertificateStatus.REVOKED.name().equals(row.get().status())) {
            throw PkiException.conflict("certificate " + serial + " is already revoked");
        }
        jdbc.sql("UPDATE certificate SET status = 'REVOKED' WHERE id = ?").param(row.get().id()).update();
        jdbc.sql("INSERT INTO revocation (certificate_id, serial, ca_name, reason, revoked_at) VALUES (?, ?, ?, ?, ?)")
                .params(row.get().id(), serial, row.get().caName(), reason.code(), Timestamp.from(at))
                .update();
        Optional<IssuedCertificate> revoked = findBySerial(serial);
        JdbcRevocationEventLog.append(jdbc, RevocationEvent.Kind.REVOKED, revoked.orElseThrow(), reason, at);
        // Delivered to every listening node when this transaction commits (it also wakes the feed's streams).
        jdbc.sql("SELECT pg_notify(?, ?)").params(ChangeChannel.NAME, "revoked:" + serial).query().singleRow();
        return revoked;
    }

    private record Row(long id, String status, String caName) {
    }

    @Override
    public Optional<IssuedCertificate> release(String serial) {
        Optional<Row> row = jdbc.sql("SELECT id, status, ca_name FROM certificate WHERE serial = ? FOR UPDATE")
                .param(serial)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .optional();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Optional<Integer> reason = jdbc.sql("SELECT reason FROM revocation WHERE certificate_id = ?")
                .param(row.get().id()).query((rs, n) -> rs.getInt(1)).optional();
        if (!CertificateStatus.REVOKED.name().equals(row.get().status())
                || reason.filter(r -> r == RevocationReason.CERTIFICATE_HOLD.code()).isEmpty()) {
            throw PkiException.conflict("certificate " + serial + " is not on hold (certificateHold)");
        }
        jdbc.sql("DELETE FROM revocation WHERE certificate_id = ?").param(row.get().id()).update();
        jdbc.sql("UPDATE certificate SET status = 'VALID' WHERE id = ?").param(row.get().id()).update();
        Optional<IssuedCertificate> released = findBySerial(serial);
        JdbcRevocationEventLog.append(jdbc, RevocationEvent.Kind.UNREVOKED, released.orElseThrow(), null,
                jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant());
        // Other nodes drop cached decisions about it when this transaction commits.
        jdbc.sql("SELECT pg_notify(?, ?)").params(ChangeChannel.NAME, "released:" + serial).query().singleRow();
        return released;
    }

    @Override
    public List<RevokedEntry> revocationsForCrl(String caName, long afterRevocationId) {
        // Waits for revocations in flight to commit, so a CRL's max revocation id covers all below it.
        jdbc.sql("LOCK TABLE revocation IN SHARE MODE").update();
        return jdbc.sql("SELECT id, serial, revoked_at, reason FROM revocation WHERE ca_name = ? AND id > ? ORDER BY id")
                .params(caName, afterRevocationId)
                .query((rs, n) -> new RevokedEntry(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        RevocationReason.ofCode(rs.getInt(4))))
                .list();
    }

    @Override
    public Optional<byte[]> escrowedKey(String serial) {
        return jdbc.sql("SELECT escrowed_key FROM certificate WHERE serial = ? AND escrowed_key IS NOT NULL")
                .param(serial).query((rs, n) -> rs.getBytes(1)).optional();
    }

    static IssuedCertificate map(ResultSet rs, int rowNum) throws SQLException {
        Timestamp revokedAt = rs.getTimestamp("revoked_at");
        Object reason = rs.getObject("reason");
        return new IssuedCertificate(rs.getString("serial"), rs.getString("ca_name"), rs.getString("profile"),
                ProfileUsage.valueOf(rs.getString("usage")), rs.getString("subject"), rs.getString("common_name"),
                rs.getString("vin"), rs.getString("model_code"), CertificateStatus.valueOf(rs.getString("status")),
                rs.getTimestamp("not_before").toInstant(), rs.getTimestamp("not_after").toInstant(),
                rs.getString("fingerprint_sm3"), rs.getBytes("der"),
                revokedAt == null ? null : revokedAt.toInstant(),
                reason == null ? null : RevocationReason.ofCode(((Number) reason).intValue()));
    }
}
