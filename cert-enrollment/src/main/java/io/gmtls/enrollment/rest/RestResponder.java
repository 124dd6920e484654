package io.gmtls.enrollment.rest;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.enrollment.service.EnrollmentOutcome;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Renders an {@link EnrollmentOutcome} as the REST answer: 201 when issued now, 200 for a retry. */
public final class RestResponder {

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
        return Pem.certificate(certificate);
    }
}
