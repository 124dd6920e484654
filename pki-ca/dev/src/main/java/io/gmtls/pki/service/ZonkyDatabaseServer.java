package io.gmtls.pki.service;

import io.gmtls.pki.store.DatabaseEndpoint;
import io.gmtls.pki.store.EmbeddedDatabaseServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;

/** Embedded PostgreSQL from zonky's binaries: what {@code gmtls.db.mode=embedded} starts. */
public final class ZonkyDatabaseServer implements EmbeddedDatabaseServer {

    @Override
    public Running start(Path dataDir, int port) throws IOException {
        EmbeddedPostgres pg = builder(dataDir, port).start();
        DatabaseEndpoint endpoint = new DatabaseEndpoint(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", true);
        return new Running() {
            @Override
            public DatabaseEndpoint endpoint() {
                return endpoint;
            }

            @Override
            public int port() {
                return pg.getPort();
            }

            @Override
            public void close() throws IOException {
                pg.close();
            }
        };
    }

    /**
     * The zonky builder for a data directory and a port (0: zonky picks a free one). Without
     * zonky's own JVM shutdown hook: that hook would stop PostgreSQL at the same time as Spring
     * closes the context (JVM hooks run concurrently), under the change listener and the pool.
     * {@link Running#close()}, called by the bean's destroy method, stops it after everything that uses it.
     */
    static EmbeddedPostgres.Builder builder(Path dataDir, int port) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port);
    }
}
