package io.gmtls.crypto.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.tls.CertificateCredential;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.PrivateKey;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Encrypted private keys as the gateway and tbox-sim read them through {@link Pem}: GmSSL 3's form (PBKDF2 with HMAC-SM3
 * {@code 1.2.156.10197.1.401.2}, SM4-CBC; {@code gmssl-keys/}, passphrase {@code 1234}) and OpenSSL's.
 */
class PemEncryptedKeyTest {

    private static final char[] PASSPHRASE = "1234".toCharArray();

    @ParameterizedTest
    @ValueSource(strings = {"server_sign", "server_enc"})
    void aGmsslEncryptedKeyLoadsAsThePlainKey(String name) throws Exception {
        PrivateKey decrypted = Pem.privateKey(resource("encrypted/" + name + ".key"), PASSPHRASE);
        PrivateKey plain = Pem.privateKey(resource("plain/" + name + ".key"));

        assertThat(decrypted.getEncoded()).isEqualTo(plain.getEncoded());
    }

    @Test
    void aGmsslKeyAndItsCertificateMakeACredential() throws Exception {
        CertificateCredential credential = Pem.credential(resource("server_sign.crt"),
                resource("encrypted/server_sign.key"), PASSPHRASE);

        assertThat(credential.kind()).isEqualTo(CertificateCredential.KeyKind.SM2);
    }

    @Test
    void aWrongPassphraseGivesOneClearErrorNamingTheFile() throws Exception {
        Path file = resource("encrypted/server_sign.key");

        assertThatThrownBy(() -> Pem.privateKey(file, "secret-guess".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessage("wrong passphrase or corrupt key file: " + file)
                .hasNoCause();
    }

    @Test
    void anEncryptedKeyWithoutAPassphraseIsSaidPlainly() throws Exception {
        Path file = resource("encrypted/server_enc.key");

        assertThatThrownBy(() -> Pem.privateKey(file))
                .hasMessage(file + ": the private key is encrypted and no passphrase was given");
    }

    @Test
    void anOpensslPbes2KeyStillLoads() throws Exception {
        // openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 of plain/server_sign.key
        PrivateKey decrypted = Pem.privateKey(resource("openssl/aes256-cbc-hmac-sha256.key"), PASSPHRASE);

        assertThat(decrypted.getEncoded()).isEqualTo(Pem.privateKey(resource("plain/server_sign.key")).getEncoded());
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(PemEncryptedKeyTest.class.getResource("/gmssl-keys/" + name).toURI());
    }
}
