package io.gmtls.pki.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.service.PkiCaProperties.DbMode;
import io.gmtls.pki.store.DatabaseEndpoint;
import io.gmtls.pki.store.EmbeddedDatabaseServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.context.annotation.Configuration;

/**
 * The database: an external PostgreSQL given by a JDBC URL, or an embedded one (pki-ca-dev's
 * {@link EmbeddedDatabaseServer}) started here for a non-root user, chosen by {@code gmtls.db.mode}. Import it together with
 * {@link PkiCaCoreConfiguration} in an application that has no DataSource of its own.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PkiCaProperties.class)
public class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    /** Spring profiles under which {@code gmtls.db.mode=auto} is refused. */
    static final String[] PRODUCTION_PROFILES = {"prod", "production"};

    /** The message when embedded PostgreSQL is asked for as root. */
    static final String ROOT_MESSAGE = "gmtls.db.mode=embedded cannot work as root: PostgreSQL refuses to run "
            + "as the root user. Run pki-ca as a non-root user, or set gmtls.db.mode=external and point "
            + "GMTLS_JDBC_URL (gmtls.db.url) at a PostgreSQL server.";

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(PkiCaProperties properties, Environment environment) {
        PkiCaProperties.Db db = properties.db();
        DbMode mode = db.modeEnum();
        if (mode == DbMode.AUTO) {
            // In production a missing database must stop the CA, not start a new one on an embedded database.
            if (environment.acceptsProfiles(Profiles.of(PRODUCTION_PROFILES))) {
                throw new PkiConfigException("gmtls.db.mode", "auto is refused under a production profile ("
                        + String.join(", ", PRODUCTION_PROFILES) + "): set external (or embedded)");
            }
            mode = reachable(db) ? DbMode.EXTERNAL : DbMode.EMBEDDED;
            log.info("gmtls.db.mode=auto: {} is {}reachable, using {} PostgreSQL", redacted(db.url()),
                    mode == DbMode.EXTERNAL ? "" : "not ", mode.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (mode == DbMode.EXTERNAL) {
            return new EmbeddedDatabase(null, new DatabaseEndpoint(db.url(), db.user(), db.password(), false));
        }
        return EmbeddedDatabase.start(db.embeddedDir(), db.embeddedPort());
    }

    @Bean
    DatabaseEndpoint databaseEndpoint(EmbeddedDatabase database) {
        return database.endpoint();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseEndpoint endpoint, PkiCaProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        if (endpoint.password() != null && !endpoint.password().isEmpty()) {
            config.setPassword(endpoint.password());
        }
        config.setMaximumPoolSize(properties.db().poolSize());
        config.setPoolName("pki-ca");
        // Fail fast when the database is gone: authn answers 503 instead of hanging.
        config.setConnectionTimeout(2000);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(10_000);
        return new HikariDataSource(config);
    }

    /**
     * A JDBC URL fit for a log line: a password in its parameters or user-info is masked (credentials
     * are never logged).
     */
    static String redacted(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password|passwd|pwd)=[^&;]*", "$1=***")
                .replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
    }

    static boolean reachable(PkiCaProperties.Db db) {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        if (!db.password().isEmpty()) {
            props.setProperty("password", db.password());
        }
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(db.url(), props)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** True when this process runs as root (uid 0). */
    static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: user.name is all we have.
        }
        return false;
    }

    /** The database in use, and the embedded server when this process started one. */
    public static final class EmbeddedDatabase implements AutoCloseable {

        private final EmbeddedDatabaseServer.Running postgres;
        private final DatabaseEndpoint endpoint;

        EmbeddedDatabase(EmbeddedDatabaseServer.Running postgres, DatabaseEndpoint endpoint) {
            this.postgres = postgres;
            this.endpoint = endpoint;
        }

        /**
         * Starts PostgreSQL on the data directory (kept across restarts) and {@code port} on
         * loopback, or a free port when {@code port} is 0. Refused when this build has no
         * pki-ca-dev (a production build): the embedded server is a developer's convenience.
         */
        static EmbeddedDatabase start(Path dataDir, int port) {
            EmbeddedDatabaseServer server = EmbeddedDatabaseServer.installed().orElseThrow(() -> new PkiConfigException(
                    "gmtls.db.mode", "embedded PostgreSQL is not part of this build (no pki-ca-dev): set external "
                            + "and point GMTLS_JDBC_URL (gmtls.db.url) at a PostgreSQL server"));
            if (runningAsRoot()) {
                throw new IllegalStateException(ROOT_MESSAGE);
            }
            if (port != 0) {
                requirePortFree(port);
            }
            try {
                Files.createDirectories(dataDir);
                EmbeddedDatabaseServer.Running pg = server.start(dataDir, port);
                log.info("started embedded PostgreSQL in {} on port {}", dataDir, pg.port());
                return new EmbeddedDatabase(pg, pg.endpoint());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL in " + dataDir
                        + (port != 0 ? " on port " + port + " (gmtls.db.embedded-port)" : "") + ": " + e.getMessage(), e);
            }
        }

        /**
         * Refuses a fixed port something already listens on. PostgreSQL starts as long as one of
         * its listen addresses binds, so without this check it could come up on ::1 only while the
         * JDBC URL reaches another server on 127.0.0.1.
         */
        static void requirePortFree(int port) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            } catch (IOException e) {
                throw new PkiConfigException("gmtls.db.embedded-port", "port " + port
                        + " on the loopback address is in use (" + e.getMessage() + "); choose another, or 0 for a free one");
            }
        }

        public DatabaseEndpoint endpoint() {
            return endpoint;
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /** For callers that need a DataSource without Spring (tests, tools). */
    public static DataSource simpleDataSource(DatabaseEndpoint endpoint, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setMaximumPoolSize(poolSize);
        return new HikariDataSource(config);
    }
}
