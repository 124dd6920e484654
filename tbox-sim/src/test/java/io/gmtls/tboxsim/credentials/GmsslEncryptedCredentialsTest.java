package io.gmtls.tboxsim.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.tboxsim.testing.Cli;

/**
 * A credentials folder whose keys GmSSL 3 wrote ({@code gmssl sm2keygen -pass 1234}: PBKDF2 with HMAC-SM3
 * {@code 1.2.156.10197.1.401.2}, SM4-CBC), as a T-Box built on GmSSL would have them.
 */
class GmsslEncryptedCredentialsTest {

    private static final String VIN = "LGMSSL00000000001";

    @TempDir
    Path dir;
    Path folder;
    List<X509Certificate> ca;

    @BeforeEach
    void layOut() throws Exception {
        folder = dir.resolve("credentials");
        Path vehicles = Files.createDirectories(folder.resolve("sm2/vehicles"));
        copy("client_sign.crt", vehicles.resolve(VIN + "-sign.crt"));
        copy("client_enc.crt", vehicles.resolve(VIN + "-enc.crt"));
        copy("encrypted/client_sign.key", vehicles.resolve(VIN + "-sign.key"));
        copy("encrypted/client_enc.key", vehicles.resolve(VIN + "-enc.key"));
        copy("plain/client_sign.key", dir.resolve("plain-sign.key"));
        copy("plain/client_enc.key", dir.resolve("plain-enc.key"));
        copy("ca.crt", dir.resolve("ca.crt"));
        ca = Pem.certificates(dir.resolve("ca.crt"));
    }

    @Test
    void aVehicleWithGmsslEncryptedKeysLoads() throws Exception {
        CredentialFolder credentials = new CredentialFolder(folder, "1234".toCharArray());

        assertThat(credentials.sm2Vins()).containsExactly(VIN);
        Sm2VehicleCredentials vehicle = credentials.sm2Vehicle(VIN, ca);

        assertThat(vehicle.signKey().getEncoded())
                .isEqualTo(Pem.privateKey(dir.resolve("plain-sign.key")).getEncoded());
        assertThat(vehicle.encKey().getEncoded())
                .isEqualTo(Pem.privateKey(dir.resolve("plain-enc.key")).getEncoded());
        // The chain is completed from the bundle up to (not including) the root, here the GmSSL CA itself.
        assertThat(vehicle.signChain()).containsExactly(
                Pem.certificates(folder.resolve("sm2/vehicles/" + VIN + "-sign.crt")).get(0));
    }

    @Test
    void aWrongPassphraseNamesTheFile() {
        CredentialFolder credentials = new CredentialFolder(folder, "12345".toCharArray());

        assertThatThrownBy(() -> credentials.sm2Vehicle(VIN, ca))
                .isInstanceOf(IOException.class)
                .hasMessage("wrong passphrase or corrupt key file: " + folder.resolve("sm2/vehicles/" + VIN + "-sign.key"));
    }

    @Test
    void connectWithAWrongPassphrasePrintsOneClearErrorBeforeConnecting() throws Exception {
        Path passphrase = dir.resolve("passphrase");
        Files.writeString(passphrase, "wrong-one\n", StandardCharsets.UTF_8);

        Cli.Result result = Cli.run("connect", "-t", "tlcp", "--credentials", folder.toString(),
                "--trust", dir.resolve("ca.crt").toString(), "--vin", VIN,
                "--key-passphrase-file", passphrase.toString(), "--host", "127.0.0.1", "--port", "9");

        assertThat(result.exit()).as(result.toString()).isNotZero();
        assertThat(result.err().strip().lines().count()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).as(result.toString())
                .contains("wrong passphrase or corrupt key file: " + folder.resolve("sm2/vehicles/" + VIN + "-sign.key"))
                .doesNotContain("wrong-one").doesNotContain("Exception");
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = GmsslEncryptedCredentialsTest.class.getResourceAsStream("/gmssl-keys/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, target);
        }
    }
}
