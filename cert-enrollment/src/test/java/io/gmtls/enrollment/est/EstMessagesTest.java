package io.gmtls.enrollment.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.crypto.Sm2Keys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

class EstMessagesTest {

    private static X509Certificate certificate(String cn) throws Exception {
        KeyPair key = Sm2Keys.generate(new SecureRandom());
        X500Name name = new X500Name("CN=" + cn);
        Date now = new Date();
        return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.TEN, now, new Date(now.getTime() + 86_400_000L), name,
                        key.getPublic()).build(new JcaContentSignerBuilder("SM3withSM2")
                        .setProvider(GmCrypto.provider()).build(key.getPrivate())));
    }

    @Test
    void certsOnlyIsADegenerateSignedDataInBase64() throws Exception {
        X509Certificate a = certificate("A");
        X509Certificate b = certificate("B");
        ResponseEntity<byte[]> r = new EstResponder().caCertificates(List.of(a, b));
        assertThat(r.getHeaders().getContentType().toString()).isEqualTo("application/pkcs7-mime;smime-type=certs-only");
        CMSSignedData data = new CMSSignedData(Base64.getMimeDecoder().decode(r.getBody()));
        assertThat(data.getSignerInfos().size()).isZero();
        assertThat(data.getCertificates().getMatches(null)).extracting(X509CertificateHolder::getSubject)
                .extracting(Object::toString).containsExactlyInAnyOrder("CN=A", "CN=B");
    }

    @Test
    void requestBodiesAreStrictBase64WithLineBreaksAllowed() {
        byte[] der = {0x30, 0x03, 0x02, 0x01, 0x05};
        String wrapped = Base64.getMimeEncoder(4, new byte[] {'\r', '\n'}).encodeToString(der) + "\r\n";
        assertThat(EstRequests.pkcs10(wrapped)).isEqualTo(der);
        assertThatThrownBy(() -> EstRequests.pkcs10("MAMCAQU*")).isInstanceOfSatisfying(EnrollmentProblem.class,
                p -> assertThat(p.type()).isEqualTo(ProblemType.INVALID_CSR));
        assertThatThrownBy(() -> EstRequests.pkcs10("  ")).isInstanceOfSatisfying(EnrollmentProblem.class,
                p -> assertThat(p.type()).isEqualTo(ProblemType.INVALID_REQUEST));
        assertThatThrownBy(() -> EstRequests.pkcs10("A".repeat(EstRequests.MAX_BODY_CHARS + 1)))
                .isInstanceOfSatisfying(EnrollmentProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.TOO_LARGE));
        assertThat("x".getBytes(StandardCharsets.US_ASCII)).hasSize(1);
    }
}
