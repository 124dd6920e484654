package io.gmtls.pki.core;

import io.gmtls.pki.core.profile.ProfileCatalog;

/** A vehicle: its VIN and model. */
public record Vehicle(String vin, String modelCode) {

    public Vehicle {
        if (vin == null || !ProfileCatalog.VIN.matcher(vin).matches()) {
            throw PkiException.badRequest("VIN must be 17 characters of 0-9 and A-Z without I, O and Q");
        }
        if (modelCode == null || !ProfileCatalog.MODEL_CODE.matcher(modelCode).matches()) {
            throw PkiException.badRequest("invalid model code");
        }
    }
}
