package io.gmtls.pki.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link ChangeChannel#NAME} over a dedicated connection (not from the pool) and hands
 * every payload to a consumer; reconnects with backoff when the connection drops. After each
 * (re)connect the {@code onConnected} callback runs (drop caches).
 *
 * <p>Liveness by round trip: a connection can stay open and silent (a half-dead TCP path, a proxy
 * that stops forwarding) and miss notifications for as long as TCP takes to notice, 20 s and more.
 * So every {@value #PING_MILLIS} ms a ping payload carrying this listener's token and its send time
 * goes out through a second connection of its own (application name {@code pki-ca-listener-ping}; not
 * from the pool, so that a busy pool neither delays the pings nor counts them), and must come back on
 * the LISTEN connection.
 * {@link #alive()} is true only while the newest ping that came back was sent within the last
 * {@value #ALIVE_MILLIS} ms (a ping each 500 ms, each allowed 1 s); a connection that stays silent
 * longer is dropped and reconnected. Callers must not trust what they cached while it is not alive:
 * a revocation could be missed. When it becomes alive again the {@code onConnected} callback runs
 * first. Ping payloads are never handed to the consumer.
 *
 * <p>{@link #close()} stops it in order: the thread sees the stop flag within one poll, closes its
 * connection itself and ends, and {@code close} waits for that. It is never interrupted and its
 * connection is not closed under it: either makes the JDBC driver fail in that thread, loading
 * classes while the application shuts down (from a repackaged jar, after Spring Boot's class loader
 * is closed, that is a {@code NoClassDefFoundError}). Errors while stopping are not reported.
 */
public final class PgChangeListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);
    private static final int POLL_MILLIS = 100;
    /** How often a ping goes out. */
    static final int PING_MILLIS = 500;
    /** Alive while the newest echoed ping was sent this recently: one ping interval plus 1 s round trip. */
    static final int ALIVE_MILLIS = 1_500;
    private static final String PING_PREFIX = "ping:";
    private static final int PING_SOCKET_TIMEOUT_SECONDS = 2;
    /** Longest a stop waits for the thread: a connect in progress may take its whole timeout. */
    private static final long STOP_MILLIS = 5_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 3;

    private final DatabaseEndpoint endpoint;
    /** Owned by the pinger thread. */
    private Connection pingConnection;
    private final String token = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pki-change-listener-ping");
        t.setDaemon(true);
        return t;
    });
    /** System.nanoTime() at which the newest ping that came back was sent; 0: none on this connection. */
    private volatile long lastEchoSent;
    /** Set after onConnected ran for the current run of echoes (cleared on reconnect and on silence). */
    private volatile boolean trusted;
    private volatile long connectedAt;
    private final Consumer<String> onChange;
    private final Runnable onConnected;
    private final Thread thread;
    private final Object pause = new Object();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;

    /**
     * @param endpoint    where to LISTEN (a dedicated connection, and one more for the pings)
     * @param onChange    every payload but pings
     * @param onConnected after each (re)connect and each return to alive: drop what was cached
     */
    public PgChangeListener(DatabaseEndpoint endpoint, Consumer<String> onChange, Runnable onConnected) {
        this.endpoint = endpoint;
        this.onChange = onChange;
        this.onConnected = onConnected;
        this.thread = new Thread(this::run, "pki-change-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
        pinger.scheduleWithFixedDelay(this::ping, PING_MILLIS, PING_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** True while the LISTEN connection is open (it may still be silent: see {@link #alive()}). */
    public boolean connected() {
        return connected;
    }

    /**
     * True while the LISTEN connection is known to deliver: open, and a ping sent within the last
     * {@value #ALIVE_MILLIS} ms came back on it (and the caches were dropped after the last silence).
     */
    public boolean alive() {
        long sent = lastEchoSent;
        return connected && trusted && sent != 0 && System.nanoTime() - sent <= ALIVE_MILLIS * 1_000_000L;
    }

    /**
     * Sends one ping on the ping connection (opened on first use, reopened after a failure); a failure
     * just leaves the listener not alive. A socket timeout bounds a ping on a silent path.
     */
    private void ping() {
        if (!connected || !running) {
            return;
        }
        try {
            if (pingConnection == null) {
                pingConnection = open("pki-ca-listener-ping", PING_SOCKET_TIMEOUT_SECONDS);
            }
            try (java.sql.PreparedStatement st = pingConnection.prepareStatement("SELECT pg_notify(?, ?)")) {
                st.setString(1, ChangeChannel.NAME);
                st.setString(2, PING_PREFIX + token + ":" + System.nanoTime());
                st.execute();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("change listener ping not sent: {}", e.getMessage());
            closePingConnection();
        }
    }

    private void closePingConnection() {
        Connection c = pingConnection;
        pingConnection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // reopened on the next ping
            }
        }
    }

    /** A payload of ours came back: the connection delivers. */
    private void echoed(String payload) {
        String rest = payload.substring(PING_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0 || !rest.substring(0, colon).equals(token)) {
            return; // another node's ping
        }
        long sent;
        try {
            sent = Long.parseLong(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            return;
        }
        if (alive()) {
            if (sent - lastEchoSent > 0) {
                lastEchoSent = sent;
            }
            return;
        }
        // Back from silence (or first echo on this connection): notifications may have been missed
        // meanwhile, so the caches are dropped before anyone is told to trust them again.
        trusted = false;
        lastEchoSent = sent;
        onConnected.run();
        trusted = true;
        log.debug("PKI change listener alive");
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
            try (Connection c = open("pki-ca-listener", 0)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + ChangeChannel.NAME);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                trusted = false;
                lastEchoSent = 0;
                onConnected.run();
                connectedAt = System.nanoTime();
                connected = true;
                pinger.execute(this::ping);
                backoff = 100;
                log.info("listening for PKI changes on {}", endpoint);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            String payload = n.getParameter();
                            if (payload.startsWith(PING_PREFIX)) {
                                echoed(payload);
                            } else {
                                onChange.accept(payload);
                            }
                        }
                    }
                    if (c.isClosed()) {
                        throw new SQLException("listener connection closed");
                    }
                    long lastSign = lastEchoSent != 0 ? lastEchoSent : connectedAt;
                    if (System.nanoTime() - lastSign > ALIVE_MILLIS * 1_000_000L) {
                        throw new SQLException("no ping came back for " + ALIVE_MILLIS + " ms: connection silent");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (connected && running) {
                    log.warn("PKI change listener lost its connection ({}); broker auth bypasses its cache until it is back",
                            e.getMessage());
                }
            } finally {
                connected = false;
                trusted = false;
                connection = null;
            }
            if (running) {
                pause(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
        log.debug("PKI change listener stopped");
    }

    private Connection open(String applicationName, int socketTimeoutSeconds) throws SQLException {
        Properties props = new Properties();
        if (endpoint.user() != null) {
            props.setProperty("user", endpoint.user());
        }
        if (endpoint.password() != null && !endpoint.password().isEmpty()) {
            props.setProperty("password", endpoint.password());
        }
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", applicationName);
        if (socketTimeoutSeconds > 0) {
            props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        }
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
        // Not interrupted (see the class comment): a ping in flight ends on its own (socket timeout),
        // then the pinger thread closes its connection itself.
        try {
            pinger.execute(this::closePingConnection);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // already stopped
        }
        pinger.shutdown();
        try {
            pinger.awaitTermination(PING_SOCKET_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
