package io.gmtls.tboxsim.e2e;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A PostgreSQL database of its own for one end-to-end run, dropped on close. The server is the
 * tests' PostgreSQL: env {@code GMTLS_TEST_JDBC_URL}, then {@code -Dgmtls.test.jdbc.url}.
 */
final class E2eDatabase implements AutoCloseable {

    private final String name;
    private final String url;

    E2eDatabase() throws SQLException {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        name = "gmtls_e2e_" + HexFormat.of().formatHex(random);
        admin("CREATE DATABASE " + name);
        String admin = adminUrl();
        int q = admin.indexOf('?');
        String base = q < 0 ? admin : admin.substring(0, q);
        url = base.substring(0, base.lastIndexOf('/') + 1) + name + (q < 0 ? "" : admin.substring(q));
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
