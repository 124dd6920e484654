package io.gmtls.pki.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.testsupport.StallingTcpProxy;
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
            awaitTrue("listener alive", listener::alive);
            // Once on connect, once when the first ping came back.
            assertThat(connects.get()).isGreaterThanOrEqualTo(2);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("NOTIFY " + ChangeChannel.NAME + ", 'revoked:0a1b'");
            }
            awaitTrue("notification delivered", () -> payloads.contains("revoked:0a1b"));
            assertThat(listenerBackends(db)).isEqualTo(1);
            // Pings keep it alive and are never handed on.
            Thread.sleep(3 * PgChangeListener.PING_MILLIS);
            assertThat(listener.alive()).isTrue();
            assertThat(payloads).containsExactly("revoked:0a1b");

            listener.close();

            assertThat(listener.threadAlive()).isFalse();
            assertThat(listener.connected()).isFalse();
            assertThat(listener.running()).isFalse();
            // Its connection was closed (by its own thread): the server lets the backend go.
            awaitTrue("listener backends gone", () -> listenerBackends(db) == 0 && pingBackends(db) == 0);
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

    /**
     * A LISTEN connection that stops forwarding without closing (a proxy that goes silent) is found
     * out by the ping round trip within about 1.5 s: reported not alive, dropped, and replaced by a new
     * connection that is alive again; the consumer is told to drop its caches when it is.
     */
    @Test
    void silentConnectionIsDetectedDroppedAndReplaced() throws Exception {
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            java.net.URI target = java.net.URI.create(db.url().substring("jdbc:".length()));
            try (StallingTcpProxy proxy = new StallingTcpProxy(target.getHost(), target.getPort())) {
                String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getPath()
                        + (target.getQuery() == null ? "" : "?" + target.getQuery());
                List<String> payloads = new CopyOnWriteArrayList<>();
                AtomicInteger drops = new AtomicInteger();
                // LISTEN and pings through the proxy, as a half-dead path between a node and its database.
                PgChangeListener listener = new PgChangeListener(new DatabaseEndpoint(viaProxy, null, "", false),
                        payloads::add, drops::incrementAndGet);
                listener.start();
                try {
                    awaitTrue("listener alive", listener::alive);
                    int dropsBefore = drops.get();

                    proxy.stall();
                    long stalledAt = System.nanoTime();
                    awaitTrue("silence detected", () -> !listener.alive());
                    long detectedMillis = (System.nanoTime() - stalledAt) / 1_000_000;
                    // 1.5 s by design; headroom for a loaded CI machine.
                    assertThat(detectedMillis).isLessThan(3_000);
                    // A notification sent now is lost on the silent connection: nobody may trust a cache.
                    try (Connection c = db.connect(); Statement st = c.createStatement()) {
                        st.execute("NOTIFY " + ChangeChannel.NAME + ", 'revoked:0bad'");
                    }

                    awaitTrue("reconnected through a new proxied connection and alive", listener::alive);
                    assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
                    assertThat(drops.get()).as("caches dropped on the way back").isGreaterThan(dropsBefore);
                    assertThat(warnings()).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("silent"));
                    try (Connection c = db.connect(); Statement st = c.createStatement()) {
                        st.execute("NOTIFY " + ChangeChannel.NAME + ", 'revoked:0c0d'");
                    }
                    awaitTrue("delivered on the new connection", () -> payloads.contains("revoked:0c0d"));
                } finally {
                    listener.close();
                }
            }
        }
    }


    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    private static long listenerBackends(TestDatabase db) {
        return backends(db, "pki-ca-listener");
    }

    private static long pingBackends(TestDatabase db) {
        return backends(db, "pki-ca-listener-ping");
    }

    private static long backends(TestDatabase db, String applicationName) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name = '" + applicationName + "'")) {
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
