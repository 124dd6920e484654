package io.gmtls.enrollment.rest;

import io.gmtls.enrollment.service.EnrollmentOutcome;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Renders an {@link EnrollmentOutcome} as the REST answer: 201 when issued now, 200 for a retry. */
public final class RestResponder {

    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    public ResponseEntity<EnrollResponseBody> respond(EnrollmentOutcome outcome) {
        EnrollResponseBody body = new EnrollResponseBody(outcome.vin(), pem(outcome.signCertificate()),
                pem(outcome.encCertificate()), Base64.getEncoder().encodeToString(outcome.envelopedKey()),
                outcome.chain().stream().map(RestResponder::pem).toList(), outcome.crlUrl().orElse(null),
                outcome.ocspUrl().orElse(null), DateTimeFormatter.ISO_INSTANT.format(outcome.notAfter()));
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .body(body);
    }

    /** A certificate as PEM text. */
    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + PEM_BASE64.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }
}
