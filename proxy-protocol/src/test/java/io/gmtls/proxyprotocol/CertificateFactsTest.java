package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Certificate facts against an independent implementation (openssl) and HAProxy's names. */
class CertificateFactsTest {

    private static final String SM2_CLIENT = "interop/tlcp/pki/client_sign.crt";

    @Test
    void sm2SigningCertificateMatchesOpenssl() throws Exception {
        // The JDK's own X.509 factory cannot parse keys on the SM2 curve; gateways hold BC certificates.
        X509Certificate cert = TestData.bcCertificate(SM2_CLIENT);

        CertificateFacts facts = CertificateFacts.of(cert);

        String path = TestData.resources().resolve(SM2_CLIENT).toString();
        assertThat(facts.commonName()).contains("LSVTEST0000000001");
        assertThat(facts.signatureAlgorithm()).isEqualTo("SM2-with-SM3");
        assertThat(facts.keyAlgorithm()).isEqualTo("SM2");
        assertThat(facts.serialHex()).isEqualTo(TestData.openssl("x509", "-in", path, "-noout", "-serial")
                .replace("serial=", "").toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", ""));
        assertThat(facts.sm3Fingerprint()).isEqualTo(TestData.openssl("x509", "-in", path, "-noout", "-fingerprint", "-sm3")
                .replaceFirst("^.*=", "").replace(":", "").toLowerCase(Locale.ROOT));
        assertThat(facts.issuerDn()).isEqualTo(TestData.openssl("x509", "-in", path, "-noout", "-issuer",
                "-nameopt", "RFC2253").replace("issuer=", ""));
    }

    @Test
    void ecdsaCertificateUsesHaproxyNames() throws Exception {
        CertificateFacts facts = CertificateFacts.of(TestData.jdkCertificate("interop/ppv2/client.crt"));

        assertThat(facts.signatureAlgorithm()).isEqualTo("ecdsa-with-SHA256");
        assertThat(facts.keyAlgorithm()).isEqualTo("EC256");
        assertThat(facts.serialHex()).isEqualTo("a1b2c3d4e5f6071");
        assertThat(facts.commonName()).contains("LSVTEST0000000002");
    }

    @Test
    void rsaCertificateUsesOpensslShortNames() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair key = rsa.generateKeyPair();
        X509Certificate cert = TestData.certificate("CN=RSA Test CA", key, "CN=rsa-client", key,
                BigInteger.valueOf(255), "SHA256withRSA");

        CertificateFacts facts = CertificateFacts.of(cert);

        assertThat(facts.signatureAlgorithm()).isEqualTo("RSA-SHA256");
        assertThat(facts.keyAlgorithm()).isEqualTo("RSA2048");
        assertThat(facts.serialHex()).isEqualTo("ff");
    }

    @Test
    void negativeSerialIsWrittenAsItsUnsignedValue() {
        // DER 0x80 0x01 is -32767 as a signed INTEGER; its unsigned reading is 0x8001.
        assertThat(CertificateFacts.serialHex(new BigInteger(new byte[] {(byte) 0x80, 0x01}))).isEqualTo("8001");
        assertThat(CertificateFacts.serialHex(new BigInteger("00ff", 16))).isEqualTo("ff");
        assertThat(CertificateFacts.serialHex(BigInteger.ZERO)).isEqualTo("0");
    }

    @Test
    void certificateWithoutCnHasNoCommonName() throws Exception {
        KeyPair key = TestData.sm2KeyPair();
        X509Certificate cert = TestData.certificate("CN=Issuer", key, "O=No CN Here", key, BigInteger.TEN, "SM3withSM2");

        CertificateFacts facts = CertificateFacts.of(cert);

        assertThat(facts.commonName()).isEmpty();
        assertThat(facts.keyAlgorithm()).isEqualTo("SM2");
        assertThat(facts.signatureAlgorithm()).isEqualTo("SM2-with-SM3");
    }

    @Test
    void valuesOutsideTheSchemaAreRefused() {
        String fp = "0".repeat(64);
        assertThatThrownBy(() -> new CertificateFacts(java.util.Optional.of("bad\u0001cn"), "a", fp, "CN=x", "SM2-with-SM3", "SM2"))
                .hasMessageContaining("SSL_CN").hasMessageContaining("control character");
        assertThatThrownBy(() -> new CertificateFacts(java.util.Optional.of("bad\u0085cn"), "a", fp, "CN=x", "SM2-with-SM3", "SM2"))
                .hasMessageContaining("SSL_CN").hasMessageContaining("control character");
        // Characters outside the BMP (a surrogate pair) are text, not control characters.
        assertThat(new CertificateFacts(java.util.Optional.of("\u8f66\uD83D\uDE97cn"), "a", fp, "CN=x", "SM2-with-SM3", "SM2")
                .commonName()).contains("\u8f66\uD83D\uDE97cn");
        assertThatThrownBy(() -> new CertificateFacts(java.util.Optional.empty(), "0A", fp, "CN=x", "SM2-with-SM3", "SM2"))
                .hasMessageContaining("CERT_SERIAL").hasMessageContaining("lowercase hex");
        assertThatThrownBy(() -> new CertificateFacts(java.util.Optional.empty(), "0a", fp, "CN=x", "SM2-with-SM3", "SM2"))
                .hasMessageContaining("leading zero");
        assertThatThrownBy(() -> new CertificateFacts(java.util.Optional.empty(), "a", "ab", "CN=x", "SM2-with-SM3", "SM2"))
                .hasMessageContaining("CERT_SM3_FINGERPRINT");
    }
}
