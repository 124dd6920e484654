package io.gmtls.pki.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the pki-ca migrations ({@code classpath:db/pki-ca}) with a history table of their own
 * ({@code pki_ca_schema_history}), so that an application embedding the CA core (the enrollment
 * service) can keep its own migrations in the same database.
 */
public final class PkiSchema {

    /** Migration location. */
    public static final String LOCATION = "classpath:db/pki-ca";
    /** Flyway history table. */
    public static final String HISTORY_TABLE = "pki_ca_schema_history";

    private PkiSchema() {
    }

    /** Migrates the database to the newest schema; returns the number of migrations applied. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
