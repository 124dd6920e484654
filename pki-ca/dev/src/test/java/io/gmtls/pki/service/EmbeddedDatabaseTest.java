package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gmtls.pki.core.PkiConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    /** PostgreSQL refuses to run as root: embedded mode says so in one clear message. */
    @Test
    void embeddedModeAsRootFailsWithOneClearMessage() {
        assumeTrue(DatabaseConfiguration.runningAsRoot(), "only meaningful when the tests run as root (as CI does)");
        assertThatThrownBy(() -> DatabaseConfiguration.EmbeddedDatabase.start(dir, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL refuses to run as the root user")
                .hasMessageContaining("GMTLS_JDBC_URL");
    }

    @Test
    void embeddedPortDefaultsToZeroAndIsBoundFromItsKey() {
        assertThat(bind(Map.of()).db().embeddedPort()).isZero();
        assertThat(bind(Map.of("gmtls.db.embedded-port", "15432")).db().embeddedPort()).isEqualTo(15432);
        assertThat(bind(Map.of("gmtls.db.embedded-port", "65535")).db().embeddedPort()).isEqualTo(65535);
    }

    @Test
    void embeddedPortOutOfRangeStopsStartupNamingTheKey() {
        for (String bad : new String[] {"-1", "65536", "100000"}) {
            assertThatThrownBy(() -> bind(Map.of("gmtls.db.embedded-port", bad)))
                    .isInstanceOf(BindException.class)
                    .rootCause()
                    .isInstanceOf(PkiConfigException.class)
                    .hasMessageStartingWith("gmtls.db.embedded-port: must be between 0 and 65535")
                    .hasMessageContaining(bad);
        }
    }

    /**
     * The configured port reaches zonky's builder (0 leaves the choice to zonky, as before); zonky's
     * own shutdown hook is off (the context stops PostgreSQL, after the listener and the pool).
     */
    @Test
    void builderCarriesThePort() {
        EmbeddedPostgres.Builder expected = EmbeddedPostgres.builder().setDataDirectory(dir)
                .setCleanDataDirectory(false).setRegisterShutdownHook(false).setPort(15432);
        assertThat(ZonkyDatabaseServer.builder(dir, 15432)).isEqualTo(expected);
        assertThat(ZonkyDatabaseServer.builder(dir, 15433)).isNotEqualTo(expected);
        assertThat(ZonkyDatabaseServer.builder(dir, 0))
                .isEqualTo(EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false));
    }

    @Test
    void aFixedPortInUseIsRefusedNamingTheKey() throws Exception {
        int port;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = taken.getLocalPort();
            int busy = port;
            assertThatThrownBy(() -> DatabaseConfiguration.EmbeddedDatabase.requirePortFree(busy))
                    .isInstanceOf(PkiConfigException.class)
                    .hasMessageStartingWith("gmtls.db.embedded-port: port " + busy + " ");
        }
        int free = port;
        assertThatCode(() -> DatabaseConfiguration.EmbeddedDatabase.requirePortFree(free)).doesNotThrowAnyException();
    }

    private static PkiCaProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("gmtls", PkiCaProperties.class);
    }
}
