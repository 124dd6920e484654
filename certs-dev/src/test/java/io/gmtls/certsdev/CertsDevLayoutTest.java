package io.gmtls.certsdev;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.crypto.certsdev.CertsDevLayout;
import io.gmtls.crypto.pem.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout gm-crypto names is the one certs-dev writes: a reader finds every part where the writer put it. */
class CertsDevLayoutTest {

    @TempDir
    Path dir;

    @Test
    void readerFindsWhatTheGeneratorWrote() throws Exception {
        char[] passphrase = "layout".toCharArray();
        DevPki pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(2)
                .withPassphrase(passphrase));
        CertsDevLayout layout = new CertsDevLayout(dir.resolve("pki"));

        assertThat(layout.sm2Vins()).containsExactlyElementsOf(pki.vehicles().stream().map(Vehicle::vin).sorted().toList());
        assertThat(layout.ecdsaVins()).isEqualTo(layout.sm2Vins());
        assertThat(layout.modelCodes()).containsExactly(pki.modelCode());
        assertThat(Pem.certificates(layout.sm2Trust())).isEqualTo(pki.sm2Trust());
        assertThat(Pem.certificates(layout.ecdsaTrust())).isEqualTo(pki.ecdsaTrust());
        assertThat(layout.crls()).allSatisfy(crl -> assertThat(crl).isRegularFile());
        assertThat(layout.manifest()).isRegularFile();

        Vehicle first = pki.vehicles().get(0);
        assertThat(Pem.certificates(layout.sm2Vehicle(first.vin(), "sign", "crt")).get(0))
                .isEqualTo(first.sign().certificate());
        assertThat(Pem.privateKey(layout.sm2Vehicle(first.vin(), "enc", "key"), passphrase).getEncoded())
                .isEqualTo(first.enc().privateKey().getEncoded());
        assertThat(Pem.certificates(layout.ecdsaVehicle(first.vin(), "crt")).get(0))
                .isEqualTo(first.ecdsa().certificate());
        assertThat(Pem.certificates(layout.model(pki.modelCode(), "sign", "crt")).get(0))
                .isEqualTo(pki.modelSign().certificate());
        assertThat(layout.folder(CertsDevLayout.SM2, CertsDevLayout.REVOKED)
                .resolve(pki.revokedVehicle().vin() + "-sign.crt")).isRegularFile();
        try (var revoked = Files.list(layout.folder(CertsDevLayout.ECDSA, CertsDevLayout.REVOKED))) {
            assertThat(revoked).isNotEmpty();
        }
    }
}
