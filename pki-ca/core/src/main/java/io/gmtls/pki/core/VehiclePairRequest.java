package io.gmtls.pki.core;

/**
 * A vehicle's signing + encryption certificate pair (enrollment or renewal).
 *
 * @param vin          the vehicle (must be registered); also the CN of both certificates
 * @param signingCsr   DER PKCS#10 of the vehicle's SM2 signing key; the envelope is sealed to this key
 * @param signProfile  signing profile, null for {@code vehicle-sign}
 * @param encProfile   encryption profile, null for {@code vehicle-enc}
 */
public record VehiclePairRequest(String vin, byte[] signingCsr, String signProfile, String encProfile) {

    public VehiclePairRequest(String vin, byte[] signingCsr) {
        this(vin, signingCsr, null, null);
    }

    public String signProfileOrDefault() {
        return signProfile == null ? "vehicle-sign" : signProfile;
    }

    public String encProfileOrDefault() {
        return encProfile == null ? "vehicle-enc" : encProfile;
    }
}
