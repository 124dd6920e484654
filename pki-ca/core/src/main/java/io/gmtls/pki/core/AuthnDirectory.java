package io.gmtls.pki.core;

import java.util.List;
import java.util.Optional;

/**
 * The reads of a broker connection decision (pki-ca's auth endpoint), each answered in one lookup:
 * the client's certificate(s), the vehicle registered under the client id, and the model named by
 * the certificate's CN.
 */
public interface AuthnDirectory {

    /**
     * What an authn decision reads, in one lookup.
     *
     * @param certificates  the certificate with the serial, or the newest client-identity certificates
     *                      (vehicle or model signing) with the CN; newest first
     * @param clientVehicle the vehicle registered under the client id
     * @param model         the model whose code is the CN (for per-model certificates)
     * @param clientCertificates what the per-model rules read about the client id's own vehicle
     *                      signing certificates (all of them) at the decision's time
     */
    record Lookup(List<IssuedCertificate> certificates, Optional<Vehicle> clientVehicle,
            Optional<VehicleModel> model, Vehicle.VehicleCertificates clientCertificates) {
    }

    /** The certificate with {@code serial}, the client id's vehicle and its certificates' state, the CN's model. */
    Lookup bySerial(String serial, String commonName, String clientId, java.time.Instant now);

    /**
     * Client-identity certificates with this CN (newest first, bounded), the client id's vehicle and its
     * certificates' state, the CN's model.
     */
    Lookup byCommonName(String commonName, String clientId, java.time.Instant now);

    /** The vehicle registered under a VIN (authz). */
    Optional<Vehicle> vehicle(String vin);

}
