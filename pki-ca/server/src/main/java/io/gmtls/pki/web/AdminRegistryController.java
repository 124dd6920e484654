package io.gmtls.pki.web;

import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Vehicle models, VINs (single and CSV import) and enrollment tokens. */
@RestController
@RequestMapping("/api/v1/admin")
public class AdminRegistryController {

    private final VehicleDirectory vehicles;
    private final java.time.Clock clock;
    private final EnrollmentTokens tokens;

    public AdminRegistryController(VehicleDirectory vehicles, EnrollmentTokens tokens, java.time.Clock pkiClock) {
        this.vehicles = vehicles;
        this.clock = pkiClock;
        this.tokens = tokens;
    }

    /**
     * @param code              model code (CN of its per-model certificates)
     * @param name              display name
     * @param perModelAllowed   vehicles may connect to brokers with the per-model certificate (default false)
     * @param enrollmentAllowed vehicles may enroll through the RA (default true)
     */
    public record ModelBody(String code, String name, Boolean perModelAllowed, Boolean enrollmentAllowed) {
    }

    @PostMapping("/models")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<VehicleModel> addModel(@RequestBody ModelBody body, HttpServletRequest request) {
        VehicleModel model = new VehicleModel(body.code(), body.name(), Boolean.TRUE.equals(body.perModelAllowed()),
                body.enrollmentAllowed() == null || body.enrollmentAllowed());
        vehicles.addModel(model, Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(model);
    }

    @GetMapping("/models")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public List<VehicleModel> models() {
        return vehicles.models();
    }

    public record ModeBody(boolean perModelAllowed) {
    }

    @PutMapping("/models/{code}/mode")
    @Allowed({ApiRole.OPERATOR})
    public VehicleModel setMode(@PathVariable String code, @RequestBody ModeBody body, HttpServletRequest request) {
        vehicles.setPerModelAllowed(code, body.perModelAllowed(), Callers.actor(request));
        return vehicles.model(code).orElseThrow(() -> PkiException.notFound("no such model"));
    }

    public record EnrollmentBody(Boolean enrollmentAllowed) {
    }

    /** Turns enrollment of the model's vehicles on or off (renewal is not affected). */
    @PutMapping("/models/{code}/enrollment")
    @Allowed({ApiRole.OPERATOR})
    public VehicleModel setEnrollment(@PathVariable String code, @RequestBody EnrollmentBody body,
            HttpServletRequest request) {
        if (body == null || body.enrollmentAllowed() == null) {
            throw PkiException.badRequest("enrollmentAllowed (true or false) is required");
        }
        vehicles.setEnrollmentAllowed(code, body.enrollmentAllowed(), Callers.actor(request));
        return vehicles.model(code).orElseThrow(() -> PkiException.notFound("no such model"));
    }

    public record VehicleBody(String vin, String model) {
    }

    @PostMapping("/vehicles")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<Vehicle> addVehicle(@RequestBody VehicleBody body, HttpServletRequest request) {
        Vehicle vehicle = new Vehicle(body.vin(), body.model());
        vehicles.addVehicles(List.of(vehicle), Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(vehicle);
    }

    /** A production line's VIN list: {@code VIN} or {@code VIN,MODEL} per line; all or nothing. */
    @PostMapping(value = "/vehicles/import", consumes = {"text/csv", "text/plain"})
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<Map<String, Integer>> importVehicles(@RequestBody String csv,
            @RequestParam(required = false) String model, HttpServletRequest request) {
        int added = vehicles.addVehicles(VehicleDirectory.parseCsv(csv, model), Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("imported", added));
    }

    @GetMapping("/vehicles/{vin}")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public Vehicle vehicle(@PathVariable String vin) {
        return vehicles.vehicle(vin).orElseThrow(() -> PkiException.notFound("no vehicle " + AdminCertificateController.clip(vin)));
    }

    /**
     * Blocks a single VIN: denied on every path (broker authn with any certificate, enrollment,
     * renewal); every node's decision caches are emptied within the second. Audited.
     */
    @PostMapping("/vehicles/{vin}/block")
    @Allowed({ApiRole.OPERATOR})
    public Vehicle block(@PathVariable String vin, HttpServletRequest request) {
        return vehicles.setBlocked(vin, true, clock.instant(), Callers.actor(request));
    }

    /**
     * Unblocks a VIN; also the operator action that lets the per-model credential re-enroll a VIN
     * whose certificates were revoked before now. Audited.
     */
    @PostMapping("/vehicles/{vin}/unblock")
    @Allowed({ApiRole.OPERATOR})
    public Vehicle unblock(@PathVariable String vin, HttpServletRequest request) {
        return vehicles.setBlocked(vin, false, clock.instant(), Callers.actor(request));
    }

    public record TokenBody(String vin, Long ttlSeconds) {
    }

    /** The token is shown once, here; only its SM3 hash is stored. */
    public record TokenView(String vin, String token, Instant expiresAt) {
    }

    @PostMapping("/enrollment-tokens")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<TokenView> token(@RequestBody TokenBody body, HttpServletRequest request) {
        Duration ttl = Duration.ofSeconds(body.ttlSeconds() == null ? 86_400 : body.ttlSeconds());
        if (body.vin() == null) {
            throw PkiException.badRequest("vin is required");
        }
        String token = tokens.issue(body.vin(), ttl, Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(new TokenView(body.vin(), token, Instant.now().plus(ttl)));
    }
}
