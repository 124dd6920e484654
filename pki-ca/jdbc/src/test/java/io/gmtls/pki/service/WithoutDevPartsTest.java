package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.core.ImportFolderReader;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.store.EmbeddedDatabaseServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build without pki-ca-dev (this module's class path, as a production jar): the dev parts are not
 * found, and embedded PostgreSQL is refused with a message naming the key, before anything starts.
 */
class WithoutDevPartsTest {

    @TempDir
    Path dir;

    @Test
    void theDevPartsAreNotFound() {
        assertThat(EmbeddedDatabaseServer.installed()).isEmpty();
        assertThat(ImportFolderReader.installed()).isEmpty();
    }

    @Test
    void embeddedPostgresIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> DatabaseConfiguration.EmbeddedDatabase.start(dir.resolve("pg"), 0))
                .isInstanceOf(PkiConfigException.class)
                .hasMessageContaining("gmtls.db.mode")
                .hasMessageContaining("pki-ca-dev");
        assertThat(dir.resolve("pg")).doesNotExist();
    }
}
