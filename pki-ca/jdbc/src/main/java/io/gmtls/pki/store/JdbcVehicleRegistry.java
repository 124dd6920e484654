package io.gmtls.pki.store;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehicleRegistry;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Vehicle models and VINs in PostgreSQL. */
public final class JdbcVehicleRegistry implements VehicleRegistry {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public JdbcVehicleRegistry(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    @Override
    public Optional<VehicleModel> model(String code) {
        return jdbc.sql("SELECT " + MODEL_COLUMNS + " FROM vehicle_model WHERE code = ?").param(code)
                .query(JdbcVehicleRegistry::model).optional();
    }

    @Override
    public List<VehicleModel> models() {
        return jdbc.sql("SELECT " + MODEL_COLUMNS + " FROM vehicle_model ORDER BY code")
                .query(JdbcVehicleRegistry::model).list();
    }

    private static final String MODEL_COLUMNS = "code, name, per_model_allowed, enrollment_allowed";

    private static VehicleModel model(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new VehicleModel(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4));
    }

    @Override
    public void addModel(VehicleModel model) {
        int rows = jdbc.sql("""
                INSERT INTO vehicle_model (code, name, per_model_allowed, enrollment_allowed) VALUES (?, ?, ?, ?)
                ON CONFLICT (code) DO NOTHING
                """).params(model.code(), model.name(), model.perModelAllowed(), model.enrollmentAllowed()).update();
        if (rows == 0) {
            throw PkiException.conflict("model " + model.code() + " is already registered");
        }
        notifyChange("model");
    }

    @Override
    public void setPerModelAllowed(String code, boolean allowed) {
        jdbc.sql("UPDATE vehicle_model SET per_model_allowed = ? WHERE code = ?").params(allowed, code).update();
        notifyChange("model");
    }

    @Override
    public void setEnrollmentAllowed(String code, boolean allowed) {
        jdbc.sql("UPDATE vehicle_model SET enrollment_allowed = ? WHERE code = ?").params(allowed, code).update();
        notifyChange("model");
    }

    @Override
    public Optional<Vehicle> vehicle(String vin) {
        return jdbc.sql("SELECT vin, model_code, blocked, unblocked_at FROM vehicle WHERE vin = ?").param(vin)
                .query((rs, n) -> vehicle(rs, 1)).optional();
    }

    /** A vehicle from four columns (vin, model_code, blocked, unblocked_at) starting at {@code first}. */
    static Vehicle vehicle(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
        java.sql.Timestamp unblocked = rs.getTimestamp(first + 3);
        return new Vehicle(rs.getString(first), rs.getString(first + 1), rs.getBoolean(first + 2),
                unblocked == null ? null : unblocked.toInstant());
    }

    @Override
    public boolean setBlocked(String vin, boolean blocked, java.time.Instant at) {
        int rows = blocked
                ? jdbc.sql("UPDATE vehicle SET blocked = true WHERE vin = ?").param(vin).update()
                : jdbc.sql("UPDATE vehicle SET blocked = false, unblocked_at = ? WHERE vin = ?")
                        .params(java.sql.Timestamp.from(at), vin).update();
        if (rows == 0) {
            return false;
        }
        // As a revocation: every node's decision caches drop what they hold, within the second.
        notifyChange(blocked ? "blocked" : "unblocked");
        return true;
    }

    @Override
    public int addVehicles(List<Vehicle> vehicles) {
        String[] vins = vehicles.stream().map(Vehicle::vin).toArray(String[]::new);
        Optional<String> existing = jdbc.sql("SELECT vin FROM vehicle WHERE vin = ANY (?) ORDER BY vin LIMIT 1")
                .param(new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.ARRAY,
                        new StringArray(vins)))
                .query(String.class).optional();
        if (existing.isPresent()) {
            throw PkiException.conflict("VIN " + existing.get() + " is already registered");
        }
        try {
            template.batchUpdate("INSERT INTO vehicle (vin, model_code) VALUES (?, ?)", vehicles, 1000,
                    (ps, v) -> {
                        ps.setString(1, v.vin());
                        ps.setString(2, v.modelCode());
                    });
        } catch (DuplicateKeyException e) {
            throw PkiException.conflict("a VIN in the request was registered concurrently");
        }
        notifyChange("vehicle");
        return vehicles.size();
    }

    private void notifyChange(String what) {
        jdbc.sql("SELECT pg_notify(?, ?)").params(ChangeChannel.NAME, what).query().singleRow();
    }

    /** A text[] parameter without needing a connection to create it. */
    private record StringArray(String[] values) implements org.springframework.jdbc.support.SqlValue {
        @Override
        public void setValue(java.sql.PreparedStatement ps, int index) throws java.sql.SQLException {
            ps.setArray(index, ps.getConnection().createArrayOf("text", values));
        }

        @Override
        public void cleanup() {
        }
    }
}
