package io.gmtls.pki.store;

import io.gmtls.pki.core.AuthnDirectory;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The lookups of the broker auth endpoint, each on an index, in one statement. */
public final class JdbcAuthnDirectory implements AuthnDirectory {

    /** Most certificates of one CN looked at (newest first) when the request has no serial. */
    static final int MAX_CANDIDATES = 20;

    private static final String CERTIFICATE_COLUMNS = """
            c.id, c.serial, c.ca_name, c.profile, c.usage, c.subject, c.common_name, c.vin, c.model_code,
            c.status, c.not_before, c.not_after, c.fingerprint_sm3, c.der, r.revoked_at, r.reason
            """;

    /*
     * One statement, one round trip and one pooled connection per uncached authn: the certificate(s),
     * the client id's vehicle row with the state of its own vehicle signing certificates (for the
     * per-model rules) and the model named by the CN, whichever of them exist. Always one
     * row at least (certificate columns null when none matched).
     */
    private static final String LOOKUP = """
            WITH cert AS (%s)
            SELECT cert.*, v.vin AS client_vin, v.model_code AS client_model, v.blocked AS client_blocked,
                   v.unblocked_at AS client_unblocked_at,
                   coalesce(own.usable, false) AS client_usable, own.last_revoked AS client_last_revoked,
                   m.code AS m_code, m.name AS m_name, m.per_model_allowed AS m_per_model,
                   m.enrollment_allowed AS m_enrollment
              FROM (SELECT 1) one
              LEFT JOIN vehicle v ON v.vin = ?
              LEFT JOIN LATERAL (
                   SELECT bool_or(vc.status = 'VALID' AND vr.certificate_id IS NULL
                                  AND vc.not_before <= ? AND vc.not_after > ?) AS usable,
                          max(vr.revoked_at) AS last_revoked
                     FROM certificate vc LEFT JOIN revocation vr ON vr.certificate_id = vc.id
                    WHERE vc.vin = v.vin AND vc.usage = 'VEHICLE_SIGNING') own ON true
              LEFT JOIN cert ON true
              LEFT JOIN vehicle_model m ON m.code = ?
             ORDER BY cert.id DESC
            """;
    private static final String BY_SERIAL = LOOKUP.formatted("SELECT " + CERTIFICATE_COLUMNS
            + " FROM certificate c LEFT JOIN revocation r ON r.certificate_id = c.id WHERE c.serial = ?");
    private static final String BY_COMMON_NAME = LOOKUP.formatted("SELECT " + CERTIFICATE_COLUMNS
            + " FROM certificate c LEFT JOIN revocation r ON r.certificate_id = c.id"
            + " WHERE c.common_name = ? AND c.usage IN ('VEHICLE_SIGNING', 'MODEL_SIGNING')"
            + " ORDER BY c.id DESC LIMIT " + MAX_CANDIDATES);

    private final JdbcClient jdbc;
    private final JdbcVehicleRegistry vehicles;

    public JdbcAuthnDirectory(JdbcClient jdbc, JdbcVehicleRegistry vehicles) {
        this.jdbc = jdbc;
        this.vehicles = vehicles;
    }

    /** The certificate with {@code serial} (unique index), the client id's vehicle, the CN's model. */
    @Override
    public Lookup bySerial(String serial, String commonName, String clientId, java.time.Instant now) {
        java.sql.Timestamp at = java.sql.Timestamp.from(now);
        return lookup(jdbc.sql(BY_SERIAL).params(serial, clientId, at, at, commonName));
    }

    /** Client-identity certificates with this CN (index on common_name, usage), the client id's vehicle, the CN's model. */
    @Override
    public Lookup byCommonName(String commonName, String clientId, java.time.Instant now) {
        java.sql.Timestamp at = java.sql.Timestamp.from(now);
        return lookup(jdbc.sql(BY_COMMON_NAME).params(commonName, clientId, at, at, commonName));
    }

    private static Lookup lookup(JdbcClient.StatementSpec statement) {
        return statement.query((ResultSetExtractor<Lookup>) JdbcAuthnDirectory::extract);
    }

    private static Lookup extract(ResultSet rs) throws SQLException {
        List<IssuedCertificate> certificates = new ArrayList<>();
        Vehicle vehicle = null;
        VehicleModel model = null;
        Vehicle.VehicleCertificates own = new Vehicle.VehicleCertificates(false, null);
        int row = 0;
        while (rs.next()) {
            if (row == 0) {
                // The vehicle and model columns are the same on every row.
                vehicle = vehicle(rs);
                model = model(rs);
                java.sql.Timestamp last = rs.getTimestamp("client_last_revoked");
                own = new Vehicle.VehicleCertificates(rs.getBoolean("client_usable"),
                        last == null ? null : last.toInstant());
            }
            if (rs.getString("serial") != null) {
                certificates.add(JdbcCertificateStore.map(rs, row));
            }
            row++;
        }
        return new Lookup(List.copyOf(certificates), Optional.ofNullable(vehicle), Optional.ofNullable(model), own);
    }

    private static Vehicle vehicle(ResultSet rs) throws SQLException {
        String vin = rs.getString("client_vin");
        java.sql.Timestamp unblocked = rs.getTimestamp("client_unblocked_at");
        return vin == null ? null : new Vehicle(vin, rs.getString("client_model"), rs.getBoolean("client_blocked"),
                unblocked == null ? null : unblocked.toInstant());
    }

    private static VehicleModel model(ResultSet rs) throws SQLException {
        String code = rs.getString("m_code");
        return code == null ? null : new VehicleModel(code, rs.getString("m_name"), rs.getBoolean("m_per_model"),
                rs.getBoolean("m_enrollment"));
    }

    /** The vehicle registered under a VIN (authz). */
    @Override
    public Optional<Vehicle> vehicle(String vin) {
        return vehicles.vehicle(vin);
    }
}
