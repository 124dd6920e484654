package io.gmtls.pki.core;

import io.gmtls.pki.core.profile.ProfileCatalog;
import java.time.Instant;

/**
 * A vehicle: its VIN and model, whether an operator blocked it, and when it was last unblocked.
 *
 * @param blocked     an operator blocked the VIN: denied on every path (authn, enrollment, renewal)
 * @param unblockedAt the last explicit unblock, or null: the per-model credential may re-enroll a
 *                    VIN whose certificates were revoked only when they were revoked before this
 */
public record Vehicle(String vin, String modelCode, boolean blocked, Instant unblockedAt) {

    public Vehicle {
        if (vin == null || !ProfileCatalog.VIN.matcher(vin).matches()) {
            throw PkiException.badRequest("VIN must be 17 characters of 0-9 and A-Z without I, O and Q");
        }
        if (modelCode == null || !ProfileCatalog.MODEL_CODE.matcher(modelCode).matches()) {
            throw PkiException.badRequest("invalid model code");
        }
    }

    /** A registered, unblocked vehicle that was never unblocked. */
    public Vehicle(String vin, String modelCode) {
        this(vin, modelCode, false, null);
    }

    /**
     * Whether the per-model (bootstrap) credential may stand for this VIN, given its own vehicle
     * signing certificates: only while it is not blocked, has no usable certificate of its own, and
     * none of its certificates was revoked since the last explicit unblock (fail closed).
     */
    public String perModelRefusal(VehicleCertificates own) {
        if (blocked) {
            return "VIN is blocked";
        }
        if (own.anyUsable()) {
            return "VIN has a certificate of its own; the per-model credential no longer stands for it";
        }
        if (own.lastRevokedAt() != null && (unblockedAt == null || !own.lastRevokedAt().isBefore(unblockedAt))) {
            return "VIN's certificates were revoked; re-enrollment needs a one-time token or an operator unblock";
        }
        return null;
    }

    /**
     * What the per-model rules read about a VIN's own signing certificates.
     *
     * @param anyUsable     one is valid, unrevoked and within its validity period now
     * @param lastRevokedAt the newest revocation time among them, or null
     */
    public record VehicleCertificates(boolean anyUsable, Instant lastRevokedAt) {

        /** Summarises certificates (only the VIN's vehicle signing certificates are looked at). */
        public static VehicleCertificates of(String vin, java.util.Collection<IssuedCertificate> certificates,
                Instant now) {
            boolean usable = false;
            Instant last = null;
            for (IssuedCertificate c : certificates) {
                if (c.usage() != io.gmtls.pki.core.profile.ProfileUsage.VEHICLE_SIGNING || !vin.equals(c.vin())) {
                    continue;
                }
                usable |= c.usableAt(now);
                if (c.revokedAt() != null && (last == null || c.revokedAt().isAfter(last))) {
                    last = c.revokedAt();
                }
            }
            return new VehicleCertificates(usable, last);
        }
    }
}
