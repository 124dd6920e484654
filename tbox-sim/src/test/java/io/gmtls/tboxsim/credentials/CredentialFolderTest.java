package io.gmtls.tboxsim.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.crypto.tls.CertificateCredential;

/** Reads certs-dev folders and writes the same layout back (what enroll produces and connect reads). */
class CredentialFolderTest {

    @TempDir
    static Path dir;
    static DevPki pki;
    static CredentialFolder certsDev;

    @BeforeAll
    static void generate() throws Exception {
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(2));
        certsDev = new CredentialFolder(dir.resolve("pki"), null);
    }

    @Test
    void readsACertsDevFolderAndCompletesChains() throws Exception {
        List<String> vins = pki.vehicles().stream().map(Vehicle::vin).toList();
        assertThat(certsDev.sm2Vins()).isEqualTo(vins);
        assertThat(certsDev.ecdsaVins()).isEqualTo(vins);
        assertThat(certsDev.soleModelCode()).contains(pki.modelCode());

        Sm2VehicleCredentials sm2 = certsDev.sm2Vehicle(vins.get(0), pki.sm2Trust());
        assertThat(sm2.signChain()).containsExactly(pki.vehicles().get(0).sign().certificate(),
                pki.sm2Issuing().certificate());
        assertThat(sm2.encCert()).isEqualTo(pki.vehicles().get(0).enc().certificate());
        assertThat(sm2.toString()).contains(vins.get(0)).doesNotContain("PRIVATE");

        CertificateCredential ecdsa = certsDev.ecdsaVehicle(vins.get(1), pki.ecdsaTrust());
        assertThat(ecdsa.chain()).containsExactly(pki.vehicles().get(1).ecdsa().certificate(),
                pki.ecdsaIssuing().certificate());

        Sm2VehicleCredentials model = certsDev.model(pki.modelCode(), pki.sm2Trust());
        assertThat(model.signCert()).isEqualTo(pki.modelSign().certificate());
    }

    @Test
    void writesEncryptedKeysThatReadBackAndThatOpenSslReads() throws Exception {
        Sm2VehicleCredentials original = certsDev.sm2Vehicle(pki.vehicles().get(0).vin(), pki.sm2Trust());
        Path out = dir.resolve("written");
        char[] passphrase = "correct horse".toCharArray();
        CredentialFolder folder = new CredentialFolder(out, passphrase);

        folder.writeSm2Vehicle(original, false);

        String vin = original.name();
        Path signKey = out.resolve("sm2/vehicles/" + vin + "-sign.key");
        assertThat(Files.readString(signKey)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(signKey))).isEqualTo("rw-------");
        assertThat(folder.sm2Vins()).containsExactly(vin);
        Sm2VehicleCredentials back = folder.sm2Vehicle(vin, pki.sm2Trust());
        assertThat(((ECPrivateKey) back.signKey()).getS()).isEqualTo(((ECPrivateKey) original.signKey()).getS());
        assertThat(((ECPrivateKey) back.encKey()).getS()).isEqualTo(((ECPrivateKey) original.encKey()).getS());
        assertThat(back.signChain()).isEqualTo(original.signChain());

        Path pass = dir.resolve("pass.txt");
        Files.writeString(pass, "correct horse\n");
        Process p = new ProcessBuilder("openssl", "pkey", "-in", signKey.toString(), "-passin", "file:" + pass,
                "-noout").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        assertThatThrownBy(() -> new CredentialFolder(out, null).sm2Vehicle(vin, pki.sm2Trust()))
                .isInstanceOf(IOException.class).hasMessageContaining(vin + "-sign.key")
                .hasMessageContaining("passphrase");
        assertThatThrownBy(() -> folder.writeSm2Vehicle(original, false)).isInstanceOf(FileAlreadyExistsException.class);
        folder.writeSm2Vehicle(original, true);
        try (var files = Files.list(out.resolve("sm2/vehicles"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly(
                    vin + "-enc.crt", vin + "-enc.key", vin + "-sign.crt", vin + "-sign.key");
        }
    }

    @Test
    void numberedVinsFollowTheCertsDevScheme() {
        assertThat(Vins.range("LGMDEV", 1, 2)).containsExactly("LGMDEV00000000001", "LGMDEV00000000002");
        assertThat(Vins.range("LGMDEV", 99_999_999_999L, 1)).containsExactly("LGMDEV99999999999");
        assertThatThrownBy(() -> Vins.range("LGMDEV", 99_999_999_999L, 2)).hasMessageContaining("does not fit");
        assertThat(Vins.isVin("LGMDEV00000000001")).isTrue();
        assertThat(Vins.isVin("LGMDEV0000000000I")).isFalse();
    }
}
