package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Against the tests' real PostgreSQL: a database of its own, usable, and gone after close. */
class TestDatabaseTest {

    @Test
    void aDatabaseOfItsOwnIsCreatedAndDroppedEvenWhileConnectedAndClosedToConnections() throws Exception {
        TestDatabase db = new TestDatabase("testsupport_test_");
        assertThat(db.name()).matches("testsupport_test_[0-9a-f]{16}");
        assertThat(db.url()).contains("/" + db.name());
        assertThat(exists(db.name())).isTrue();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x int)");
            st.execute("INSERT INTO t VALUES (42)");
            // A test may shut the database to new connections; close must still drop it, this
            // connection included.
            db.admin("ALTER DATABASE " + db.name() + " WITH ALLOW_CONNECTIONS false");
            db.close();
        }
        assertThat(exists(db.name())).isFalse();
    }

    @Test
    void twoDatabasesNeverShareAName() throws Exception {
        try (TestDatabase a = new TestDatabase("testsupport_test_"); TestDatabase b = new TestDatabase("testsupport_test_")) {
            assertThat(a.name()).isNotEqualTo(b.name());
        }
    }

    @Test
    void aPrefixThatIsNotAPlainIdentifierIsRefused() {
        assertThatThrownBy(() -> new TestDatabase("x; DROP DATABASE postgres; --"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestDatabase("Upper_")).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean exists(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabase.adminUrl());
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }
}
