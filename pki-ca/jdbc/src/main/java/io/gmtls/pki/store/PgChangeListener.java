package io.gmtls.pki.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link ChangeChannel#NAME} over a dedicated connection (not from the pool) and hands
 * every payload to a consumer; reconnects with backoff when the connection drops. While it is not
 * connected, {@link #connected()} is false and callers must not trust what they cached: a revocation
 * could be missed. After each (re)connect the {@code onConnected} callback runs (drop caches).
 *
 * <p>{@link #close()} stops it in order: the thread sees the stop flag within one poll, closes its
 * connection itself and ends, and {@code close} waits for that. It is never interrupted and its
 * connection is not closed under it: either makes the JDBC driver fail in that thread, loading
 * classes while the application shuts down (from a repackaged jar, after Spring Boot's class loader
 * is closed, that is a {@code NoClassDefFoundError}). Errors while stopping are not reported.
 */
public final class PgChangeListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);
    private static final int POLL_MILLIS = 250;
    /** Longest a stop waits for the thread: a connect in progress may take its whole timeout. */
    private static final long STOP_MILLIS = 5_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 3;

    private final DatabaseEndpoint endpoint;
    private final Consumer<String> onChange;
    private final Runnable onConnected;
    private final Thread thread;
    private final Object pause = new Object();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;

    public PgChangeListener(DatabaseEndpoint endpoint, Consumer<String> onChange, Runnable onConnected) {
        this.endpoint = endpoint;
        this.onChange = onChange;
        this.onConnected = onConnected;
        this.thread = new Thread(this::run, "pki-change-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True while the LISTEN connection is up. */
    public boolean connected() {
        return connected;
    }

    /** True from construction until {@link #close()}. */
    public boolean running() {
        return running;
    }

    /** True while its thread runs (tests). */
    boolean threadAlive() {
        return thread.isAlive();
    }

    private void run() {
        try {
            listen();
        } catch (Throwable t) {
            if (running) {
                throw t;
            }
            // Stopping: whatever failed no longer matters, and the JVM may be tearing down.
        }
    }

    private void listen() {
        long backoff = 100;
        while (running) {
            try (Connection c = open()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + ChangeChannel.NAME);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                onConnected.run();
                connected = true;
                backoff = 100;
                log.info("listening for PKI changes on {}", endpoint);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            onChange.accept(n.getParameter());
                        }
                    }
                    if (c.isClosed()) {
                        throw new SQLException("listener connection closed");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (connected && running) {
                    log.warn("PKI change listener lost its connection ({}); broker auth bypasses its cache until it is back",
                            e.getMessage());
                }
            } finally {
                connected = false;
                connection = null;
            }
            if (running) {
                pause(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
        log.debug("PKI change listener stopped");
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        if (endpoint.user() != null) {
            props.setProperty("user", endpoint.user());
        }
        if (endpoint.password() != null && !endpoint.password().isEmpty()) {
            props.setProperty("password", endpoint.password());
        }
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "pki-ca-listener");
        return DriverManager.getConnection(endpoint.url(), props);
    }

    /** Waits before a reconnect; {@link #close()} cuts it short (without interrupting). */
    private void pause(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (pause) {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                try {
                    pause.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Stops the thread and waits until it has closed its connection and ended (normally within one
     * poll, 250 ms; up to a connect timeout). Idempotent.
     */
    @Override
    public void close() {
        running = false;
        synchronized (pause) {
            pause.notifyAll();
        }
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        if (join(STOP_MILLIS)) {
            return;
        }
        // Stuck in a statement on an unresponsive server: close its connection under it, as a last resort.
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // closing anyway
            }
        }
        if (!join(1_000)) {
            log.debug("PKI change listener did not stop within {} ms", STOP_MILLIS + 1_000);
        }
    }

    private boolean join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
