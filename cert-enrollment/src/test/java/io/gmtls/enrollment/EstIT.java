package io.gmtls.enrollment;

import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;
import static io.gmtls.enrollment.EnrollmentRestIT.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.testsupport.Ppv2Client;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EST (RFC 7030) request shapes: base64 PKCS#10 in ({@code application/pkcs10}), base64 certs-only
 * PKCS#7 out, read back with BouncyCastle CMS; serverkeygen's multipart/mixed answer.
 */
class EstIT {

    private static final String PKCS10 = "application/pkcs10";
    private static EnrollmentEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = EnrollmentEnvironment.get();
    }

    @Test
    void cacertsIsACertsOnlyMessageWithTheIssuingCaAndTheRoot() throws Exception {
        Ppv2Client.Response r = Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.1", null), "GET",
                "/.well-known/est/cacerts", null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("application/pkcs7-mime").contains("smime-type=certs-only");
        List<X509Certificate> certs = certsOnly(r.body());
        assertThat(certs).containsExactlyInAnyOrder(env.pki.sm2Issuing().certificate(), env.pki.sm2Root().certificate());
    }

    @Test
    void simpleEnrollThenServerKeyGenWithTheSameCsrDeliversTheEncryptionKeyWithoutIssuingTwice() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair key = Csrs.sm2();
        byte[] csr = Csrs.csr(key, vin);
        ConnectionFacts facts = Ppv2Client.facts("10.6.0.2", env.model.sign());

        Ppv2Client.Response enrolled = Ppv2Client.request(env.port, facts, "POST", "/.well-known/est/simpleenroll",
                PKCS10, base64Lines(csr));
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(200);
        assertThat(enrolled.header("content-type")).startsWith("application/pkcs7-mime").contains("smime-type=certs-only");
        assertThat(enrolled.header("content-transfer-encoding")).isEqualTo("base64");
        List<X509Certificate> issued = certsOnly(enrolled.body());
        assertThat(issued).singleElement().satisfies(c -> {
            assertThat(c.getSubjectX500Principal().getName()).contains("CN=" + vin);
            assertThat(c.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        });

        Map<String, Long> before = env.counts();
        Ppv2Client.Response keygen = Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.2", env.model.sign()), "POST",
                "/.well-known/est/serverkeygen", PKCS10, base64Lines(csr));
        assertThat(keygen.status()).as(keygen.toString()).isEqualTo(200);
        Map<String, byte[]> parts = multipart(keygen);
        List<X509Certificate> certs = certsOnly(parts.get("application/pkcs7-mime; smime-type=certs-only"));
        assertThat(certs).hasSize(2);
        assertThat(signing(certs)).isEqualTo(issued.get(0));
        Csrs.openAndCheck(Base64.getMimeDecoder().decode(parts.get("application/vnd.gmtls.sm2-enveloped-key")), key,
                encryption(certs));
        assertThat(env.counts()).as("the retry issued nothing").isEqualTo(before);
    }

    @Test
    void serverKeyGenEnrollsAndSimpleReenrollRenews() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair key = Csrs.sm2();
        Ppv2Client.Response keygen = Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.3", env.model.sign()), "POST",
                "/.well-known/est/serverkeygen", PKCS10, base64Lines(Csrs.csr(key, vin)));
        assertThat(keygen.status()).as(keygen.toString()).isEqualTo(200);
        Map<String, byte[]> parts = multipart(keygen);
        List<X509Certificate> certs = certsOnly(parts.get("application/pkcs7-mime; smime-type=certs-only"));
        X509Certificate enc = encryption(certs);
        X509Certificate sign = signing(certs);
        Csrs.openAndCheck(Base64.getMimeDecoder().decode(parts.get("application/vnd.gmtls.sm2-enveloped-key")), key, enc);

        KeyPair newKey = Csrs.sm2();
        Ppv2Client.Response renewed = Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.3", sign), "POST",
                "/.well-known/est/simplereenroll", PKCS10, base64Lines(Csrs.csr(newKey, vin)));
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
        X509Certificate newSign = certsOnly(renewed.body()).get(0);
        assertThat(newSign.getPublicKey().getEncoded()).isEqualTo(newKey.getPublic().getEncoded());
        assertThat(env.ca.find(sign.getSerialNumber().toString(16)).orElseThrow().status())
                .isEqualTo(CertificateStatus.REVOKED);

        // serverkeygen with the vehicle's certificate renews too (and hands over the new encryption key).
        KeyPair third = Csrs.sm2();
        Ppv2Client.Response again = Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.3", newSign), "POST",
                "/.well-known/est/serverkeygen", PKCS10, base64Lines(Csrs.csr(third, vin)));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        Map<String, byte[]> p2 = multipart(again);
        List<X509Certificate> c2 = certsOnly(p2.get("application/pkcs7-mime; smime-type=certs-only"));
        Csrs.openAndCheck(Base64.getMimeDecoder().decode(p2.get("application/vnd.gmtls.sm2-enveloped-key")), third,
                encryption(c2));
        assertThat(signing(c2).getPublicKey().getEncoded()).isEqualTo(third.getPublic().getEncoded());
        assertThat(env.ca.find(newSign.getSerialNumber().toString(16)).orElseThrow().status())
                .isEqualTo(CertificateStatus.REVOKED);
    }

    @Test
    void estRefusalsAreProblemJsonAndChangeNothing() throws Exception {
        String vin = env.newVin(MODEL);
        byte[] csr = Csrs.csr(Csrs.sm2(), vin);
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", env.model.sign()), "POST",
                "/.well-known/est/simpleenroll", "application/octet-stream", base64Lines(csr)), 415,
                "unsupported-media-type");
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", env.model.sign()), "POST",
                "/.well-known/est/simpleenroll", PKCS10, "this is not base64!".getBytes(StandardCharsets.US_ASCII)),
                400, "invalid-csr");
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", null), "POST",
                "/.well-known/est/simpleenroll", PKCS10, base64Lines(csr)), 403, "no-credential");
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", env.model.sign()), "POST",
                "/.well-known/est/simplereenroll", PKCS10, base64Lines(csr)), 403, "wrong-credential");
        String foreign = env.newVin(EnrollmentEnvironment.OTHER_MODEL);
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", env.model.sign()), "POST",
                "/.well-known/est/simpleenroll", PKCS10, base64Lines(Csrs.csr(Csrs.sm2(), foreign))), 403,
                "vin-not-registered");
        assertRefused(() -> Ppv2Client.request(env.port, Ppv2Client.facts("10.6.0.4", env.model.sign()), "POST",
                "/.well-known/est/simpleenroll", PKCS10, base64Lines(Csrs.brokenSignature(csr))), 400,
                "proof-of-possession-failed");
    }

    /** The signing certificate of a pair (keyUsage digitalSignature); certs-only is a SET, so order is not kept. */
    static X509Certificate signing(List<X509Certificate> pair) {
        return pair.stream().filter(c -> c.getKeyUsage()[0]).findFirst().orElseThrow();
    }

    /** The encryption certificate of a pair (keyUsage keyEncipherment). */
    static X509Certificate encryption(List<X509Certificate> pair) {
        return pair.stream().filter(c -> c.getKeyUsage()[2] && !c.getKeyUsage()[0]).findFirst().orElseThrow();
    }

    /** Base64 with line breaks every 64 characters, as EST clients send it. */
    static byte[] base64Lines(byte[] der) {
        return (Base64.getMimeEncoder(64, new byte[] {'\r', '\n'}).encodeToString(der) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The certificates of a base64 certs-only CMS message (asserting it is one: no signers, no content). */
    static List<X509Certificate> certsOnly(byte[] base64) throws Exception {
        CMSSignedData data = new CMSSignedData(Base64.getMimeDecoder().decode(base64));
        assertThat(data.getSignerInfos().size()).isZero();
        assertThat(data.getSignedContent()).isNull();
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder holder : data.getCertificates().getMatches(null)) {
            out.add(Csrs.certificate(holder.getEncoded()));
        }
        return out;
    }

    /** The parts of a multipart/mixed answer by content type (their bodies still base64). */
    static Map<String, byte[]> multipart(Ppv2Client.Response r) {
        String type = r.header("content-type");
        assertThat(type).startsWith("multipart/mixed");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length()).replace("\"", "");
        String body = r.text();
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (String part : body.split("--" + boundary)) {
            if (part.isBlank() || part.startsWith("--")) {
                continue;
            }
            int split = part.indexOf("\r\n\r\n");
            String headers = part.substring(0, split);
            String content = part.substring(split + 4).strip();
            String contentType = null;
            for (String line : headers.strip().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).strip();
                }
            }
            parts.put(contentType, content.getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(parts).containsOnlyKeys("application/vnd.gmtls.sm2-enveloped-key",
                "application/pkcs7-mime; smime-type=certs-only");
        return parts;
    }
}
