package io.gmtls.pki.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.PkiException;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The issue request's {@code publicKey}: a PEM PUBLIC KEY block (read by gm-crypto's Pem) or base64 DER. */
class DecodePublicKeyTest {

    @Test
    void pemAndBase64DerGiveTheSameDer() {
        byte[] der = Sm2Keys.generate(new SecureRandom()).getPublic().getEncoded();
        String pem = io.gmtls.crypto.pem.Pem.encode("PUBLIC KEY", der);

        assertThat(AdminCertificateController.decodePublicKey("\n " + pem.replace("\n", "\r\n") + " \n")).isEqualTo(der);
        assertThat(AdminCertificateController.decodePublicKey(Base64.getEncoder().encodeToString(der))).isEqualTo(der);
    }

    @Test
    void brokenPemIsABadRequest() {
        assertThatThrownBy(() -> AdminCertificateController.decodePublicKey("-----BEGIN PUBLIC KEY-----\nAQID\n"))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("publicKey is neither PEM nor base64 DER");
    }
}
