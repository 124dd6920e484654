package io.gmtls.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.service.EnrollmentSchema;
import io.gmtls.pki.store.PkiSchema;
import io.gmtls.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Upgrading a database whose per-model enrollment switches are in cert-enrollment's own table (schema
 * V1 of both modules) moves them to pki-ca's {@code vehicle_model.enrollment_allowed} and drops the
 * table, on a real PostgreSQL database made for the test.
 */
class EnrollmentSchemaIT {

    @Test
    void explicitSwitchesMoveToPkiCaAndTheOthersTakeTheConfiguredDefault() throws Exception {
        try (TestDatabase db = new TestDatabase("enroll_test_")) {
            DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url());
            Flyway.configure().dataSource(dataSource).locations(PkiSchema.LOCATION).table(PkiSchema.HISTORY_TABLE)
                    .target("1").load().migrate();
            Flyway.configure().dataSource(dataSource).locations(EnrollmentSchema.LOCATION)
                    .table(EnrollmentSchema.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0")
                    .placeholders(Map.of("enrollment_default", "true")).target("1").load().migrate();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO vehicle_model (code, name) VALUES ('OPEN', 'o'), ('SHUT', 's'), ('UNSET', 'u')");
                st.execute("INSERT INTO enrollment_model_setting (model_code, enrollment_enabled) VALUES "
                        + "('OPEN', true), ('SHUT', false)");
            }

            // an operator who ran with gmtls.enrollment.enrollment-default=false
            // pki-ca's V2 (the column this migration fills) and whatever later pki-ca migrations there are
            assertThat(PkiSchema.migrate(dataSource)).isPositive();
            assertThat(EnrollmentSchema.migrate(dataSource, false)).isEqualTo(1);

            Map<String, Boolean> switches = new TreeMap<>();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT code, enrollment_allowed FROM vehicle_model")) {
                    while (rs.next()) {
                        switches.put(rs.getString(1), rs.getBoolean(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('enrollment_model_setting') IS NULL")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("enrollment_model_setting dropped").isTrue();
                }
            }
            assertThat(switches).containsExactlyInAnyOrderEntriesOf(Map.of("OPEN", true, "SHUT", false, "UNSET", false));
            // applied once: running again changes nothing
            assertThat(EnrollmentSchema.migrate(dataSource, true)).isZero();
        }
    }
}
