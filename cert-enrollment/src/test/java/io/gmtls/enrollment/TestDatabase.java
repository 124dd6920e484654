package io.gmtls.enrollment;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * A PostgreSQL database of its own for one test run, dropped on close (the approach of pki-ca's tests).
 * The admin URL comes from env {@code GMTLS_TEST_JDBC_URL}, then {@code -Dgmtls.test.jdbc.url}.
 */
final class TestDatabase implements AutoCloseable {

    private final String name;
    private final String url;

    TestDatabase() throws SQLException {
        this.name = "enroll_test_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        String admin = adminUrl();
        int q = admin.indexOf('?');
        String base = q < 0 ? admin : admin.substring(0, q);
        this.url = base.substring(0, base.lastIndexOf('/') + 1) + name + (q < 0 ? "" : admin.substring(q));
    }

    static String adminUrl() {
        String env = System.getenv("GMTLS_TEST_JDBC_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return System.getProperty("gmtls.test.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    }

    String url() {
        return url;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
