package io.gmtls.pki.core;

import io.gmtls.pki.core.profile.ProfileCatalog;

/**
 * A vehicle model.
 *
 * @param code              model code, the CN of the model's bootstrap certificates
 * @param name              display name
 * @param perModelAllowed   whether vehicles of this model may connect to brokers with the per-model
 *                          certificate (一型一密) instead of their own
 * @param enrollmentAllowed whether vehicles of this model may enroll (first issuance through the RA);
 *                          renewal is not affected
 */
public record VehicleModel(String code, String name, boolean perModelAllowed, boolean enrollmentAllowed) {

    public VehicleModel {
        if (code == null || !ProfileCatalog.MODEL_CODE.matcher(code).matches()) {
            throw PkiException.badRequest("model code must be 1-32 of A-Z, 0-9, '_' and '-', starting with a letter or digit");
        }
        if (name == null || name.isBlank() || name.length() > 128) {
            name = code;
        }
    }

    /** A model whose vehicles may enroll (the default). */
    public VehicleModel(String code, String name, boolean perModelAllowed) {
        this(code, name, perModelAllowed, true);
    }
}
