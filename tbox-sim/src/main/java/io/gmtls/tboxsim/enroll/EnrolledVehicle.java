package io.gmtls.tboxsim.enroll;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;

/**
 * A verified enrollment result: the vehicle's new dual credential, ready for TLCP and TLS 1.3.
 *
 * @param credentials its signing key + chain and encryption key + certificate
 * @param caChain     the CA certificates the server sent (issuing CA first)
 * @param notAfter    expiry of the signing certificate
 * @param repeated    true if the server answered 200 (a repeated request) rather than 201
 * @param crlUrl      CRL URL the server gave, if any
 * @param ocspUrl     OCSP URL the server gave, if any
 */
public record EnrolledVehicle(Sm2VehicleCredentials credentials, List<X509Certificate> caChain, Instant notAfter,
        boolean repeated, Optional<String> crlUrl, Optional<String> ocspUrl) {

    public EnrolledVehicle {
        caChain = List.copyOf(caChain);
    }

    /** The VIN. */
    public String vin() {
        return credentials.name();
    }
}
