package io.gmtls.enrollment.est;

import io.gmtls.enrollment.service.EnrollmentOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * EST (RFC 7030) answers: a certs-only CMC Simple PKI Response (a degenerate CMS SignedData holding
 * only certificates) in base64, and the multipart/mixed answer of serverkeygen.
 */
public final class EstResponder {

    /** {@code application/pkcs7-mime; smime-type=certs-only}. */
    public static final String CERTS_ONLY_TYPE = "application/pkcs7-mime; smime-type=certs-only";
    private static final MediaType CERTS_ONLY = MediaType.parseMediaType(CERTS_ONLY_TYPE);
    /**
     * The serverkeygen key part: the encryption key pair as a GB/T 35276 SM2EnvelopedKey (DER, base64),
     * sealed to the CSR's public key. (RFC 7030's {@code application/pkcs8} would put the key in clear on
     * the gateway-to-service hop, where TLS has already ended.)
     */
    public static final String ENVELOPED_KEY_TYPE = "application/vnd.gmtls.sm2-enveloped-key";

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\r', '\n'});
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code /cacerts}: the CA certificates. */
    public ResponseEntity<byte[]> caCertificates(List<X509Certificate> chain) {
        return certsOnly(chain, HttpStatus.OK);
    }

    /** {@code /simpleenroll}, {@code /simplereenroll}: the certificate issued for the CSR's key. */
    public ResponseEntity<byte[]> issued(EnrollmentOutcome outcome) {
        return certsOnly(List.of(outcome.signCertificate()), HttpStatus.OK);
    }

    /**
     * {@code /serverkeygen}: multipart/mixed with the key part (the enveloped encryption key pair) and a
     * certs-only part holding the encryption certificate (for the generated key) and the signing
     * certificate (for the CSR's key). The certificates of a SignedData are a SET, whose DER encoding
     * does not keep an order: clients tell the two apart by key usage.
     */
    public ResponseEntity<byte[]> serverKeyGen(EnrollmentOutcome outcome) {
        String boundary = "est-" + HexFormat.of().formatHex(randomBytes());
        StringBuilder body = new StringBuilder(4096);
        body.append("--").append(boundary).append("\r\n")
                .append("Content-Type: ").append(ENVELOPED_KEY_TYPE).append("\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(BASE64.encodeToString(outcome.envelopedKey())).append("\r\n")
                .append("--").append(boundary).append("\r\n")
                .append("Content-Type: ").append(CERTS_ONLY_TYPE).append("\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(BASE64.encodeToString(pkcs7(List.of(outcome.encCertificate(), outcome.signCertificate()))))
                .append("\r\n")
                .append("--").append(boundary).append("--\r\n");
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("multipart/mixed; boundary=" + boundary))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static ResponseEntity<byte[]> certsOnly(List<X509Certificate> certificates, HttpStatus status) {
        byte[] base64 = BASE64.encode(pkcs7(certificates));
        return ResponseEntity.status(status)
                .contentType(CERTS_ONLY)
                .header("Content-Transfer-Encoding", "base64")
                .body(base64);
    }

    /** A degenerate SignedData (no signers, no content) carrying the certificates, DER. */
    static byte[] pkcs7(List<X509Certificate> certificates) {
        try {
            List<X509CertificateHolder> holders = new ArrayList<>();
            for (X509Certificate c : certificates) {
                holders.add(new X509CertificateHolder(c.getEncoded()));
            }
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new CollectionStore<>(holders));
            return generator.generate(new CMSAbsentContent(), false).getEncoded("DER");
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("certs-only response cannot be built", e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }
}
