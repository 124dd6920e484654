package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL on a fixed port ({@code gmtls.db.embedded-port}), reached by another
 * client at 127.0.0.1:port as cert-enrollment does in the demo. PostgreSQL does not run as root,
 * so this only runs for a normal user (CI runs as root: there the root refusal is tested instead).
 */
class EmbeddedDatabaseIT {

    @TempDir
    Path dir;

    @Test
    void embeddedPostgresListensOnTheConfiguredPort() throws Exception {
        assumeFalse(DatabaseConfiguration.runningAsRoot(), "PostgreSQL refuses to run as root");
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = s.getLocalPort();
        }
        try (var database = DatabaseConfiguration.EmbeddedDatabase.start(dir.resolve("pg"), port)) {
            assertThat(database.endpoint().url()).contains(":" + port + "/");
            try (Connection c = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_setting('port')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(port);
            }
        }
    }
}
