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
 */
public final class PgChangeListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);
    private static final int POLL_MILLIS = 250;

    private final DatabaseEndpoint endpoint;
    private final Consumer<String> onChange;
    private final Runnable onConnected;
    private final Thread thread;
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

    private void run() {
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
                if (connected) {
                    log.warn("PKI change listener lost its connection ({}); broker auth bypasses its cache until it is back",
                            e.getMessage());
                }
            } finally {
                connected = false;
                connection = null;
            }
            if (running) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        if (endpoint.user() != null) {
            props.setProperty("user", endpoint.user());
        }
        if (endpoint.password() != null && !endpoint.password().isEmpty()) {
            props.setProperty("password", endpoint.password());
        }
        props.setProperty("connectTimeout", "3");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "pki-ca-listener");
        return DriverManager.getConnection(endpoint.url(), props);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
