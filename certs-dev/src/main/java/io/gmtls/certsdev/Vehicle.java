package io.gmtls.certsdev;

import java.util.Objects;

/**
 * One simulated vehicle (T-Box): its TLCP signing and encryption credentials and its ECDSA client
 * credential for the standard TLS 1.3 path, all with CN = VIN.
 */
public record Vehicle(String vin, Credential sign, Credential enc, Credential ecdsa) {
    public Vehicle {
        Objects.requireNonNull(vin, "vin");
        Objects.requireNonNull(sign, "sign");
        Objects.requireNonNull(enc, "enc");
        Objects.requireNonNull(ecdsa, "ecdsa");
    }
}
