package io.gmtls.enrollment.service;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import java.util.Objects;

/**
 * One enrollment or renewal request as both protocols hand it over.
 *
 * @param identity the caller as the gateway's PPv2 header describes it
 * @param vin      the VIN asked for; null takes the CSR's CN (EST has no VIN field)
 * @param csr      DER PKCS#10 of the vehicle's SM2 signing key
 * @param token    one-time enrollment token, or null
 * @param protocol {@code rest} or {@code est}, for the audit log
 */
public record EnrollmentRequest(GatewayIdentity identity, String vin, byte[] csr, String token, String protocol) {

    public EnrollmentRequest {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(protocol, "protocol");
        csr = csr == null ? new byte[0] : csr.clone();
    }

    @Override
    public byte[] csr() {
        return csr.clone();
    }

    @Override
    public String toString() {
        // never the token
        return "EnrollmentRequest[vin=" + vin + ", csr=" + csr.length + " bytes, token=" + (token != null) + ", "
                + identity.describe() + ", protocol=" + protocol + "]";
    }
}
