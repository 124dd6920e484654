package io.gmtls.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A PostgreSQL database of its own for one test (or test class), created on the tests' server and
 * dropped on close, so that runs never see each other's rows. The server is named by the admin URL:
 * env {@code GMTLS_TEST_JDBC_URL}, then {@code -Dgmtls.test.jdbc.url} (the root pom passes it to
 * surefire and failsafe), then PostgreSQL at 127.0.0.1:5432 with trust auth for user postgres.
 */
public final class TestDatabase implements AutoCloseable {

    /** The default admin URL: the machine's PostgreSQL, trust auth. */
    public static final String DEFAULT_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The name goes into DDL unquoted: only lower-case letters, digits and underscores. */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    private final String name;
    private final String url;

    /**
     * Creates the database.
     *
     * @param prefix start of the database name, telling whose database a leftover one is
     *               (e.g. {@code pkica_test_}); a random suffix follows
     */
    public TestDatabase(String prefix) throws SQLException {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("database prefix must match " + PREFIX + ": " + prefix);
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        this.name = prefix + HexFormat.of().formatHex(random);
        runAsAdmin("CREATE DATABASE " + name);
        this.url = urlOf(name);
    }

    /** The admin JDBC URL (env GMTLS_TEST_JDBC_URL, then -Dgmtls.test.jdbc.url, then the default). */
    public static String adminUrl() {
        String env = System.getenv("GMTLS_TEST_JDBC_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return System.getProperty("gmtls.test.jdbc.url", DEFAULT_ADMIN_URL);
    }

    /** The admin URL with its database replaced by {@code database}; the query string (user, ...) stays. */
    static String urlOf(String database) {
        String admin = adminUrl();
        int q = admin.indexOf('?');
        String base = q < 0 ? admin : admin.substring(0, q);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + (q < 0 ? "" : admin.substring(q));
    }

    /** The database's name. */
    public String name() {
        return name;
    }

    /** JDBC URL of the test database (user in the query string, as in the admin URL). */
    public String url() {
        return url;
    }

    /** A new connection to the test database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Runs SQL on a connection to the admin database (ALTER DATABASE, terminating backends). */
    public void admin(String sql) throws SQLException {
        runAsAdmin(sql);
    }

    private static void runAsAdmin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Drops the database, with whatever is still connected to it. Connections are allowed again first:
     * a test may have closed the database to new connections (to cut a node off) and DROP needs none.
     */
    @Override
    public void close() throws SQLException {
        runAsAdmin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
        runAsAdmin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
