package io.gmtls.pki.core;

import io.gmtls.pki.core.profile.ProfileCatalog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Registration of vehicle models and VINs, audited and transactional. */
public final class VehicleDirectory {

    /** At most this many VINs in one import. */
    public static final int MAX_IMPORT = 100_000;

    private final VehicleRegistry registry;
    private final AuditLog audit;
    private final Transactions transactions;

    public VehicleDirectory(VehicleRegistry registry, AuditLog audit, Transactions transactions) {
        this.registry = registry;
        this.audit = audit;
        this.transactions = transactions;
    }

    public void addModel(VehicleModel model, Actor actor) {
        // Separate namespaces: a model code never has the shape of a VIN, nor is it a registered VIN.
        if (ProfileCatalog.VIN.matcher(model.code()).matches()) {
            throw PkiException.badRequest("a model code must not have the shape of a VIN");
        }
        transactions.inTransaction(() -> {
            registry.addModel(model);
            audit.append(AuditEvent.success(actor, "model.register", model.code(),
                    "perModelAllowed=" + model.perModelAllowed() + " enrollmentAllowed=" + model.enrollmentAllowed()));
            return null;
        });
    }

    public void setPerModelAllowed(String code, boolean allowed, Actor actor) {
        transactions.inTransaction(() -> {
            requireModel(code);
            registry.setPerModelAllowed(code, allowed);
            audit.append(AuditEvent.success(actor, "model.mode", code, "perModelAllowed=" + allowed));
            return null;
        });
    }

    /** Turns enrollment (first issuance through the RA) of a model's vehicles on or off; audited. */
    public void setEnrollmentAllowed(String code, boolean allowed, Actor actor) {
        transactions.inTransaction(() -> {
            requireModel(code);
            registry.setEnrollmentAllowed(code, allowed);
            audit.append(AuditEvent.success(actor, "model.enrollment", code, "enrollmentAllowed=" + allowed));
            return null;
        });
    }

    private void requireModel(String code) {
        if (code == null || !ProfileCatalog.MODEL_CODE.matcher(code).matches() || registry.model(code).isEmpty()) {
            throw PkiException.notFound("no such model");
        }
    }

    public List<VehicleModel> models() {
        return registry.models();
    }

    public Optional<VehicleModel> model(String code) {
        return registry.model(code);
    }

    public Optional<Vehicle> vehicle(String vin) {
        return registry.vehicle(vin);
    }

    /**
     * Blocks ({@code blocked=true}) or unblocks a single VIN, audited. A blocked VIN is denied on every
     * path; an unblock also lets the per-model credential re-enroll a VIN whose certificates were
     * revoked before it. 404 when no such VIN.
     */
    public Vehicle setBlocked(String vin, boolean blocked, java.time.Instant at, Actor actor) {
        if (vin == null || !ProfileCatalog.VIN.matcher(vin).matches()) {
            throw PkiException.notFound("no such vehicle");
        }
        return transactions.inTransaction(() -> {
            if (!registry.setBlocked(vin, blocked, at)) {
                throw PkiException.notFound("no such vehicle");
            }
            audit.append(AuditEvent.success(actor, blocked ? "vehicle.block" : "vehicle.unblock", vin,
                    "blocked=" + blocked));
            return registry.vehicle(vin).orElseThrow();
        });
    }

    /** Registers vehicles all or nothing. */
    public int addVehicles(List<Vehicle> vehicles, Actor actor) {
        if (vehicles.isEmpty()) {
            throw PkiException.badRequest("no vehicles given");
        }
        if (vehicles.size() > MAX_IMPORT) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "more than " + MAX_IMPORT + " vehicles in one import");
        }
        Set<String> seen = new HashSet<>();
        Set<String> models = new HashSet<>();
        for (Vehicle v : vehicles) {
            if (!seen.add(v.vin())) {
                throw PkiException.conflict("duplicate VIN " + v.vin() + " in the request");
            }
            models.add(v.modelCode());
        }
        return transactions.inTransaction(() -> {
            for (String code : models) {
                registry.model(code).orElseThrow(() -> PkiException.badRequest("model " + code + " is not registered"));
            }
            for (Vehicle v : vehicles) {
                // Separate namespaces: a VIN is never a registered model code.
                if (registry.model(v.vin()).isPresent()) {
                    throw PkiException.conflict("VIN " + v.vin() + " is a registered model code");
                }
            }
            int added = registry.addVehicles(vehicles);
            audit.append(AuditEvent.success(actor, "vehicle.register",
                    vehicles.size() == 1 ? vehicles.get(0).vin() : vehicles.size() + " vehicles",
                    "models=" + models));
            return added;
        });
    }

    /**
     * Reads a production line's VIN list: one VIN per line, optionally {@code VIN,MODEL}; a header line
     * starting with "vin" is skipped; blank lines and lines starting with '#' are ignored. Lines without
     * a model take {@code defaultModel}. Errors name the line.
     */
    public static List<Vehicle> parseCsv(String csv, String defaultModel) {
        if (csv == null || csv.isBlank()) {
            throw PkiException.badRequest("the CSV is empty");
        }
        List<Vehicle> out = new ArrayList<>();
        String[] lines = csv.split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (out.isEmpty() && line.toLowerCase(Locale.ROOT).startsWith("vin")) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length > 2) {
                throw PkiException.badRequest("line " + (i + 1) + ": expected VIN or VIN,MODEL");
            }
            String vin = fields[0].strip();
            String model = fields.length == 2 && !fields[1].isBlank() ? fields[1].strip() : defaultModel;
            if (model == null) {
                throw PkiException.badRequest("line " + (i + 1) + ": no model given and no default model");
            }
            try {
                out.add(new Vehicle(vin, model));
            } catch (PkiException e) {
                throw PkiException.badRequest("line " + (i + 1) + ": " + e.getMessage());
            }
            if (out.size() > MAX_IMPORT) {
                throw new PkiException(PkiException.Kind.TOO_LARGE, "more than " + MAX_IMPORT + " vehicles in one import");
            }
        }
        return out;
    }
}
