package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    /** PostgreSQL refuses to run as root: embedded mode says so in one clear message. */
    @Test
    void embeddedModeAsRootFailsWithOneClearMessage() {
        assumeTrue(DatabaseConfiguration.runningAsRoot(), "only meaningful when the tests run as root (as CI does)");
        assertThatThrownBy(() -> DatabaseConfiguration.EmbeddedDatabase.start(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL refuses to run as the root user")
                .hasMessageContaining("GMTLS_JDBC_URL");
    }
}
