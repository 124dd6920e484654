package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.ImportFolderReader;
import io.gmtls.pki.store.EmbeddedDatabaseServer;
import org.junit.jupiter.api.Test;

/** With pki-ca-dev on the class path (the default pki-ca jar, the demo) the service finds both dev parts. */
class DevPartsInstalledTest {

    @Test
    void bothDevPartsAreFoundThroughServiceLoader() {
        assertThat(EmbeddedDatabaseServer.installed()).get().isInstanceOf(ZonkyDatabaseServer.class);
        assertThat(ImportFolderReader.installed()).get().isInstanceOf(CertsDevFolderReader.class);
    }
}
