package io.gmtls.certsdev;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete development PKI: an SM2 hierarchy (root, issuing CA) with the gateway's TLCP pair,
 * its SM2 TLS 1.3 certificate, a per-model bootstrap pair and per-vehicle pairs; an ECDSA P-256
 * hierarchy with the gateway's TLS 1.3 certificate and vehicles' client certificates; one revoked
 * vehicle listed in both CRLs.
 *
 * @param sm2Trust   trust bundle of the SM2 family (root and issuing CA)
 * @param ecdsaTrust trust bundle of the ECDSA family (root and issuing CA)
 */
public record DevPki(
        Credential sm2Root, Credential sm2Issuing,
        Credential gatewaySign, Credential gatewayEnc, Credential gatewaySm2Tls,
        Credential modelSign, Credential modelEnc, String modelCode,
        List<Vehicle> vehicles, Vehicle revokedVehicle, X509CRL sm2Crl,
        Credential ecdsaRoot, Credential ecdsaIssuing, Credential ecdsaGateway, X509CRL ecdsaCrl,
        List<X509Certificate> sm2Trust, List<X509Certificate> ecdsaTrust) {

    public DevPki {
        vehicles = List.copyOf(vehicles);
        sm2Trust = List.copyOf(sm2Trust);
        ecdsaTrust = List.copyOf(ecdsaTrust);
    }

    /** The vehicle with that VIN, among the good and the revoked ones. */
    public Vehicle vehicle(String vin) {
        for (Vehicle v : allVehicles()) {
            if (v.vin().equals(vin)) {
                return v;
            }
        }
        throw new IllegalArgumentException("no vehicle " + vin);
    }

    /** The good vehicles, then the revoked one. */
    public List<Vehicle> allVehicles() {
        List<Vehicle> all = new ArrayList<>(vehicles);
        all.add(revokedVehicle);
        return all;
    }
}
