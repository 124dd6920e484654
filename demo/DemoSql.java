import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs SQL statements on a PostgreSQL server for gmtls-demo.sh (psql may not be installed):
 * {@code java -cp postgresql.jar demo/DemoSql.java JDBC_URL SQL...}. Prints the first column of each
 * query's rows; exits 1 with the server's message on an SQL error.
 */
public class DemoSql {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(a[0]); Statement s = c.createStatement()) {
            for (int i = 1; i < a.length; i++) {
                if (s.execute(a[i])) {
                    try (ResultSet r = s.getResultSet()) {
                        while (r.next()) {
                            System.out.println(r.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("PostgreSQL: " + e.getMessage());
            System.exit(1);
        }
    }
}
