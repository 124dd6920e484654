package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

class PolicyAndCsrTest {

    private final ProfileCatalog profiles = new ProfileCatalog(ProfileCatalog.defaults("GM TLS Test"));

    private IssuanceDraft draft(String profile, java.security.KeyPair key, String cn, List<String> dns,
            Instant issuerNotAfter) {
        IssuanceDraft d = new IssuanceDraft(profiles.require(profile),
                SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()), cn, dns, Instant.now(), issuerNotAfter);
        PolicyRules.applyAll(PolicyRules.standard(), d);
        return d;
    }

    @Test
    void vinPatternRejectsIOQAndWrongLengths() {
        var key = TestSupport.sm2();
        Instant far = Instant.now().plus(Duration.ofDays(5000));
        assertThat(draft("vehicle-sign", key, "LGMDEV00000000001", List.of(), far).subject().toString())
                .isEqualTo("C=CN,O=GM TLS Test,OU=T-Box,CN=LGMDEV00000000001");
        for (String bad : List.of("LGMDEV0000000000I", "LGMDEV0000000000O", "LGMDEV0000000000Q", "LGMDEV0000000001",
                "LGMDEV000000000001", "lgmdev00000000001", "' OR 1=1 --")) {
            assertThatThrownBy(() -> draft("vehicle-sign", key, bad, List.of(), far))
                    .isInstanceOf(PkiException.class).hasMessageContaining("pattern");
        }
    }

    @Test
    void wrongKeyAlgorithmIsRefusedWithTheReason() throws Exception {
        var rsa = TestSupport.rsa();
        Instant far = Instant.now().plus(Duration.ofDays(5000));
        assertThatThrownBy(() -> draft("vehicle-sign", rsa, "LGMDEV00000000001", List.of(), far))
                .isInstanceOf(PkiException.class).hasMessageContaining("does not accept RSA");
        var p256 = TestSupport.ec("secp256r1");
        assertThatThrownBy(() -> draft("vehicle-sign", p256, "LGMDEV00000000001", List.of(), far))
                .hasMessageContaining("EC_P256");
        assertThat(draft("vehicle-tls-ecdsa", p256, "LGMDEV00000000001", List.of(), far).keyAlgorithm())
                .isEqualTo(KeyAlgorithm.EC_P256);
    }

    @Test
    void validityIsCappedByTheIssuerAndServersGetDnsNames() {
        var key = TestSupport.sm2();
        Instant soon = Instant.now().plus(Duration.ofDays(30));
        IssuanceDraft d = draft("gateway-sign", key, "gw.example.test", List.of(), soon);
        assertThat(d.notAfter()).isEqualTo(soon);
        assertThat(d.dnsNames()).containsExactly("gw.example.test");
        assertThatThrownBy(() -> draft("gateway-sign", key, "gw.example.test", List.of("bad name"), soon))
                .hasMessageContaining("not a DNS host name");
        assertThatThrownBy(() -> draft("vehicle-sign", key, "LGMDEV00000000001", List.of("x.test"), soon))
                .hasMessageContaining("takes no DNS names");
    }

    @Test
    void profilesRefuseLongValidityAndCaUsages() {
        CertificateProfile base = profiles.require("vehicle-sign");
        assertThatThrownBy(() -> new CertificateProfile("too-long", base.usage(), base.issuer(), Duration.ofDays(4000),
                base.keyUsages(), base.extendedKeyUsages(), base.subjectTemplate(), base.commonNamePattern(),
                base.keyAlgorithms(), false, true, true, false))
                .isInstanceOf(PkiConfigException.class).hasMessageContaining("gmtls.profiles.too-long.validity");
    }

    @Test
    void csrProofOfPossessionIsChecked() throws Exception {
        var key = TestSupport.sm2();
        byte[] csr = TestSupport.csr(key, "LGMDEV00000000001");
        var verified = CertificateRequests.verify(csr);
        assertThat(verified.keyAlgorithm()).isEqualTo(KeyAlgorithm.SM2);
        assertThat(verified.commonName()).isEqualTo("LGMDEV00000000001");

        byte[] tampered = csr.clone();
        tampered[tampered.length - 5] ^= 0x01; // inside the signature
        assertThatThrownBy(() -> CertificateRequests.verify(tampered))
                .isInstanceOf(io.gmtls.pki.core.crypto.ProofOfPossessionException.class)
                .hasMessageContaining("proof of possession")
                .satisfies(e -> assertThat(((PkiException) e).kind()).isEqualTo(PkiException.Kind.BAD_REQUEST));
        assertThatThrownBy(() -> CertificateRequests.verify(new byte[] {0x30, 0x01, 0x00}))
                .isNotInstanceOf(io.gmtls.pki.core.crypto.ProofOfPossessionException.class)
                .hasMessageContaining("PKCS#10");
        assertThatThrownBy(() -> CertificateRequests.verify(new byte[CertificateRequests.MAX_CSR_BYTES + 1]))
                .satisfies(e -> assertThat(((PkiException) e).kind()).isEqualTo(PkiException.Kind.TOO_LARGE));
        assertThatThrownBy(() -> CertificateRequests.decode("not base64 !!!")).hasMessageContaining("base64");
        // The public key of another pair under the original signature: proof of possession fails.
        byte[] ecdsa = TestSupport.csr(TestSupport.ec("secp256r1"), "gw.example.test", "gw.example.test");
        assertThat(CertificateRequests.verify(ecdsa).dnsNames()).containsExactly("gw.example.test");
    }
}
