package io.gmtls.pki.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.testsupport.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The LISTEN connection on a real PostgreSQL: notifications arrive, and {@link PgChangeListener#close()}
 * stops it in order (its thread ends, its own connection is closed by that thread, nothing is logged
 * as a lost connection), also while it is waiting to reconnect.
 */
class PgChangeListenerIT {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PgChangeListener.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    @Test
    void deliversNotificationsAndStopsInOrder() throws Exception {
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            List<String> payloads = new CopyOnWriteArrayList<>();
            AtomicInteger connects = new AtomicInteger();
            PgChangeListener listener = new PgChangeListener(new DatabaseEndpoint(db.url(), null, "", false),
                    payloads::add, connects::incrementAndGet);
            listener.start();
            awaitTrue("listener connected", listener::connected);
            assertThat(connects.get()).isEqualTo(1);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("NOTIFY " + ChangeChannel.NAME + ", 'revoked:0a1b'");
            }
            awaitTrue("notification delivered", () -> payloads.contains("revoked:0a1b"));
            assertThat(listenerBackends(db)).isEqualTo(1);

            listener.close();

            assertThat(listener.threadAlive()).isFalse();
            assertThat(listener.connected()).isFalse();
            assertThat(listener.running()).isFalse();
            // Its connection was closed (by its own thread): the server lets the backend go.
            awaitTrue("listener backend gone", () -> listenerBackends(db) == 0);
            assertThat(warnings()).isEmpty();
            listener.close(); // idempotent
        }
    }

    /** Nothing answers: the listener waits to reconnect, and close() cuts that wait short. */
    @Test
    void stopsWhileWaitingToReconnect() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = s.getLocalPort();
        }
        AtomicInteger connects = new AtomicInteger();
        PgChangeListener listener = new PgChangeListener(new DatabaseEndpoint(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "postgres", "", false),
                payload -> { }, connects::incrementAndGet);
        listener.start();
        assertThat(listener.threadAlive()).isTrue();
        listener.close();
        assertThat(listener.threadAlive()).isFalse();
        assertThat(connects.get()).isZero();
        assertThat(warnings()).isEmpty();
    }

    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    private static long listenerBackends(TestDatabase db) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name = 'pki-ca-listener'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            Thread.sleep(20);
        }
    }
}
