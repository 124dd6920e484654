package io.gmtls.enrollment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The JSON answer of {@code POST /api/v1/enroll} and {@code /renew} (ENROLL-API.md).
 *
 * @param vin                   the vehicle
 * @param signCertificate       PEM, for the CSR's key
 * @param encCertificate        PEM, for the key pair the CA made
 * @param encPrivateKeyEnvelope base64 of the DER GB/T 35276 SM2EnvelopedKey sealed to the CSR's key
 * @param chain                 PEM certificates: issuing CA, then root
 * @param crlUrl                the issuing CA's CRL (absent when the CA has no public URL configured)
 * @param ocspUrl               the OCSP responder (likewise)
 * @param notAfter              end of the signing certificate's validity, ISO-8601 UTC
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollResponseBody(String vin, String signCertificate, String encCertificate, String encPrivateKeyEnvelope,
        List<String> chain, String crlUrl, String ocspUrl, String notAfter) {
}
