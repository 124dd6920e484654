package io.gmtls.pki.core;

import java.util.List;
import java.util.Optional;

/** Vehicle models and the VINs registered to them (a port). */
public interface VehicleRegistry {

    Optional<VehicleModel> model(String code);

    List<VehicleModel> models();

    /** Adds a model; a 409 when the code exists. */
    void addModel(VehicleModel model);

    /** Changes whether the model's vehicles may connect with the per-model certificate. */
    void setPerModelAllowed(String code, boolean allowed);

    /** Changes whether vehicles of the model may enroll. */
    void setEnrollmentAllowed(String code, boolean allowed);

    Optional<Vehicle> vehicle(String vin);

    /**
     * Blocks or unblocks a VIN (an unblock also records {@code at} as the vehicle's last unblock);
     * tells every node's decision caches. False when no such VIN.
     */
    boolean setBlocked(String vin, boolean blocked, java.time.Instant at);

    /** Adds vehicles all or nothing; a 409 naming the first duplicate VIN. */
    int addVehicles(List<Vehicle> vehicles);
}
