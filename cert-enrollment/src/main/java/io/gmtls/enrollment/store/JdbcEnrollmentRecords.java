package io.gmtls.enrollment.store;

import io.gmtls.enrollment.service.EnrollmentRecords;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link EnrollmentRecords} in PostgreSQL ({@code enrollment_record}). */
public final class JdbcEnrollmentRecords implements EnrollmentRecords {

    private final JdbcClient jdbc;

    public JdbcEnrollmentRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Record> find(String vin, String csrSm3) {
        return jdbc.sql("""
                SELECT vin, csr_sm3, operation, credential, sign_serial, enc_serial, enveloped_key
                  FROM enrollment_record WHERE vin = ? AND csr_sm3 = ?
                """).params(vin, csrSm3)
                .query((rs, n) -> new Record(rs.getString(1), rs.getString(2), Operation.valueOf(rs.getString(3)),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getBytes(7)))
                .optional();
    }

    /**
     * Locks the vehicle's row for the caller's transaction (FOR NO KEY UPDATE: it serialises enrollments
     * and renewals of one VIN without blocking pki-ca's inserts that reference the row) and returns its
     * model, or empty when the VIN is not registered.
     */
    @Override
    public Optional<String> lockVehicle(String vin) {
        return jdbc.sql("SELECT model_code FROM vehicle WHERE vin = ? FOR NO KEY UPDATE").param(vin)
                .query(String.class).optional();
    }

    /** Inserts in the caller's transaction; the unique (vin, csr_sm3) constraint refuses a second one. */
    @Override
    public void insert(Record r) {
        try {
            jdbc.sql("""
                    INSERT INTO enrollment_record (vin, csr_sm3, operation, credential, sign_serial, enc_serial, enveloped_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).params(r.vin(), r.csrSm3(), r.operation().name(), r.credential(), r.signSerial(), r.encSerial(),
                    r.envelopedKey()).update();
        } catch (DuplicateKeyException e) {
            throw new AlreadyStoredException(r.vin());
        }
    }
}
