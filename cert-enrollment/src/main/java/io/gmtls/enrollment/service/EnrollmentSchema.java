package io.gmtls.enrollment.service;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies cert-enrollment's migrations ({@code classpath:db/cert-enrollment}) with their own history
 * table {@code flyway_enrollment_history}, after pki-ca's (whose tables they reference).
 */
public final class EnrollmentSchema {

    /** Migration location. */
    public static final String LOCATION = "classpath:db/cert-enrollment";
    /** Flyway history table. */
    public static final String HISTORY_TABLE = "flyway_enrollment_history";

    private EnrollmentSchema() {
    }

    /**
     * Migrates to the newest schema; returns the number of migrations applied.
     *
     * @param enrollmentDefault {@code gmtls.enrollment.enrollment-default}: what V2 gives models that had
     *                          no explicit enrollment switch when it moves the switch to pki-ca
     */
    public static int migrate(DataSource dataSource, boolean enrollmentDefault) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .placeholders(Map.of("enrollment_default", Boolean.toString(enrollmentDefault)))
                // pki-ca's tables are already there: start our own history at 0 instead of refusing.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
