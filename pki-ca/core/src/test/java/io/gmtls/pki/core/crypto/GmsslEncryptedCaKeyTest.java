package io.gmtls.pki.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.core.CaHierarchy;
import io.gmtls.pki.core.PkiConfigException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CA keys in GmSSL 3's encrypted form (PBKDF2 with HMAC-SM3 {@code 1.2.156.10197.1.401.2}, SM4-CBC;
 * {@code gmssl-keys/}, passphrase {@code 1234}): the file key store and the bootstrap import read them.
 */
class GmsslEncryptedCaKeyTest {

    @TempDir
    Path dir;

    @Test
    void theKeyStoreLoadsAGmsslEncryptedKeyAsASignerOfItsCertificate() throws Exception {
        copy("encrypted/server_sign.key", dir.resolve("gmssl-issuing.key"));
        X509Certificate certificate = CaHierarchy.readCertificate(copy("server_sign.crt", dir.resolve("c.crt")));
        EncryptedPkcs8KeyStore store = new EncryptedPkcs8KeyStore(dir, "1234".toCharArray());

        CaSigner signer = store.signer("gmssl-issuing");

        assertThat(((ECPublicKey) signer.publicKey()).getW())
                .isEqualTo(((ECPublicKey) certificate.getPublicKey()).getW());
        assertThat(signer.keyAlgorithm()).isEqualTo(KeyAlgorithm.SM2);
    }

    @Test
    void theKeyStoreSaysWrongPassphraseWithoutAStackTraceOrThePassphrase() throws Exception {
        Path key = copy("encrypted/server_sign.key", dir.resolve("gmssl-issuing.key"));
        EncryptedPkcs8KeyStore store = new EncryptedPkcs8KeyStore(dir, "123456".toCharArray());

        assertThatThrownBy(() -> store.signer("gmssl-issuing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot read CA key 'gmssl-issuing': wrong passphrase or corrupt key file: " + key)
                .hasNoCause();
    }

    @Test
    void theBootstrapImportReadsAGmsslEncryptedKey() throws Exception {
        Path encrypted = copy("encrypted/server_sign.key", dir.resolve("issuing-ca.key"));
        Path plain = copy("plain/server_sign.key", dir.resolve("plain.key"));

        PrivateKey decrypted = CaHierarchy.readPrivateKey(encrypted, "1234".toCharArray());

        assertThat(decrypted.getEncoded()).isEqualTo(CaHierarchy.readPrivateKey(plain, null).getEncoded());
        assertThatThrownBy(() -> CaHierarchy.readPrivateKey(encrypted, "4321".toCharArray()))
                .isInstanceOf(PkiConfigException.class)
                .hasMessage("gmtls.ca.bootstrap.import-passphrase: wrong passphrase or corrupt key file: " + encrypted);
    }

    private static Path copy(String resource, Path target) throws Exception {
        try (InputStream in = GmsslEncryptedCaKeyTest.class.getResourceAsStream("/gmssl-keys/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, target);
        }
        return target;
    }
}
