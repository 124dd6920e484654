package io.gmtls.pki.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * An embedded PostgreSQL server for a developer machine ({@code gmtls.db.mode=embedded}). The
 * implementation lives in pki-ca-dev and is found with {@link ServiceLoader}, so that a production
 * build leaves it (and the PostgreSQL binaries) out and the embedded mode is then refused.
 */
public interface EmbeddedDatabaseServer {

    /**
     * Starts PostgreSQL on the data directory (kept across restarts) and {@code port} on loopback,
     * or a free port when {@code port} is 0.
     */
    Running start(Path dataDir, int port) throws IOException;

    /** A started server: where to reach it, and how to stop it. */
    interface Running extends AutoCloseable {

        DatabaseEndpoint endpoint();

        /** The port it listens on (the one chosen when 0 was asked for). */
        int port();

        @Override
        void close() throws IOException;
    }

    /** The installed implementation, if pki-ca-dev is on the class path. */
    static Optional<EmbeddedDatabaseServer> installed() {
        return ServiceLoader.load(EmbeddedDatabaseServer.class, EmbeddedDatabaseServer.class.getClassLoader())
                .findFirst();
    }
}
