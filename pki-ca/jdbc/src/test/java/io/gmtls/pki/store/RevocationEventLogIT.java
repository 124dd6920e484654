package io.gmtls.pki.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.RevocationEvent;
import io.gmtls.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * {@code revocation_event} (V32) on a real PostgreSQL: seq order is commit order, so a reader that has
 * seen seq n never later finds a smaller seq committed (the feed sends each event once, in order);
 * bounds and pruning.
 */
class RevocationEventLogIT {

    private static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void seqOrderIsCommitOrderNotInsertOrder() throws Exception {
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.url());
            PkiSchema.migrate(ds);
            JdbcRevocationEventLog log = new JdbcRevocationEventLog(JdbcClient.create(ds),
                    new DataSourceTransactionManager(ds));
            assertThat(log.bounds()).isEqualTo(new RevocationEvent.Bounds(1, 0));

            try (Connection first = db.connect(); Connection second = db.connect()) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                insert(first, "a1");   // inserted first ...
                insert(second, "b2");
                second.commit();       // ... but committed last
                List<RevocationEvent> seen = log.after(0, 10);
                assertThat(seen).extracting(RevocationEvent::serial).containsExactly("b2");
                long cursor = seen.get(0).seq();
                first.commit();
                // The reader's cursor is past b2; a1 must still come after it.
                assertThat(log.after(cursor, 10)).extracting(RevocationEvent::serial).containsExactly("a1");
            }
            List<RevocationEvent> all = log.after(0, 10);
            assertThat(all).extracting(RevocationEvent::serial).containsExactly("b2", "a1");
            RevocationEvent b2 = all.get(0);
            assertThat(b2.kind()).isEqualTo(RevocationEvent.Kind.REVOKED);
            assertThat(b2.reason()).isEqualTo(io.gmtls.pki.core.RevocationReason.KEY_COMPROMISE);
            assertThat(b2.issuer()).isEqualTo("CN=Sub CA,O=Org,C=CN");
            assertThat(b2.notAfter()).isEqualTo(NOT_AFTER);

            // Pruning: events of certificates expired for longer than the retention, never the newest.
            long head = all.get(1).seq();
            assertThat(log.prune(NOT_AFTER.minusSeconds(1), Duration.ofHours(1))).as("not expired yet").isZero();
            assertThat(log.prune(NOT_AFTER.plus(Duration.ofDays(1)), Duration.ofHours(1))).isEqualTo(1);
            assertThat(log.bounds()).isEqualTo(new RevocationEvent.Bounds(head, head));
        }
    }

    private static void insert(Connection c, String serial) throws Exception {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO revocation_event (serial, issuer, kind, reason, occurred_at, not_after)
                VALUES (?, 'CN=Sub CA,O=Org,C=CN', 'revoked', 'keyCompromise', now() - interval '2 hours', ?)
                """)) {
            st.setString(1, serial);
            st.setTimestamp(2, Timestamp.from(NOT_AFTER));
            st.executeUpdate();
        }
    }
}
