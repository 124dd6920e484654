package io.gmtls.enrollment.rest;

/**
 * The JSON body of {@code POST /api/v1/enroll} and {@code /renew} (ENROLL-API.md).
 *
 * @param vin   the vehicle
 * @param csr   PKCS#10 of the vehicle's SM2 signing key: PEM, or base64 DER
 * @param token one-time enrollment token (enroll only), or absent
 */
public record EnrollRequestBody(String vin, String csr, String token) {

    @Override
    public String toString() {
        return "EnrollRequestBody[vin=" + vin + ", token=" + (token != null) + "]";
    }
}
