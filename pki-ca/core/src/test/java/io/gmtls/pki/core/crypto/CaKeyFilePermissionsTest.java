package io.gmtls.pki.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CA key files are created owner-only: the directory 0700 and each file 0600 from the moment it
 * exists (never written with the umask's permissions and restricted afterwards).
 */
class CaKeyFilePermissionsTest {

    @TempDir
    Path dir;

    @Test
    void keyFilesAreCreated0600InA0700Directory() throws Exception {
        Path keys = dir.resolve("ca-keys");
        EncryptedPkcs8KeyStore store = new EncryptedPkcs8KeyStore(keys, "test-passphrase".toCharArray());
        store.store("sm2-issuing", TestSupport.sm2().getPrivate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("sm2-issuing.key"))))
                .isEqualTo("rw-------");
        store.close();
    }
}
