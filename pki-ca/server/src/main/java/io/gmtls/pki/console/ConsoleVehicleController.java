package io.gmtls.pki.console;

import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CertificateQuery;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.crypto.SerialNumbers;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * Finding a vehicle (by VIN, certificate CN or serial) and its page: model, certificates with status
 * and validity, revoke (with a confirmation step), block / unblock, a one-time enrollment token, and the
 * audit events of the VIN and its certificates. Every change is the core call the REST API makes, with
 * the signed-in caller as the audited actor.
 */
@Controller
public class ConsoleVehicleController {

    /** Reasons an operator may pick (the end-entity ones; CA/AA compromise are refused by the core). */
    static final List<RevocationReason> REASONS = List.of(RevocationReason.KEY_COMPROMISE,
            RevocationReason.AFFILIATION_CHANGED, RevocationReason.SUPERSEDED, RevocationReason.CESSATION_OF_OPERATION,
            RevocationReason.CERTIFICATE_HOLD, RevocationReason.PRIVILEGE_WITHDRAWN, RevocationReason.UNSPECIFIED);
    /** Confirmation notes a redirect may carry (anything else is ignored). */
    private static final Set<String> DONE = Set.of("revoked", "blocked", "unblocked", "released");

    private final CertificateAuthority ca;
    private final VehicleDirectory vehicles;
    private final EnrollmentTokens tokens;
    private final FleetReport report;
    private final Clock clock;

    public ConsoleVehicleController(CertificateAuthority ca, VehicleDirectory vehicles, EnrollmentTokens tokens,
            FleetReport report, Clock pkiClock) {
        this.ca = ca;
        this.vehicles = vehicles;
        this.tokens = tokens;
        this.report = report;
        this.clock = pkiClock;
    }

    @GetMapping("/console/vehicles")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public String search(@RequestParam(name = "q", required = false) String query, Model model) {
        model.addAttribute("q", query == null ? "" : query);
        if (query == null || query.isBlank()) {
            return "console/search";
        }
        String q = query.strip();
        if (q.length() > 128) {
            throw PkiException.badRequest("the search text is too long");
        }
        String upper = q.toUpperCase(Locale.ROOT);
        if (ProfileCatalog.VIN.matcher(upper).matches() && vehicles.vehicle(upper).isPresent()) {
            return "redirect:/console/vehicles/" + upper;
        }
        List<IssuedCertificate> found = new ArrayList<>();
        String serial = SerialNumbers.normalize(q);
        if (serial != null) {
            ca.find(serial).ifPresent(found::add);
        }
        if (found.isEmpty()) {
            found.addAll(ca.search(new CertificateQuery(null, q, null, null, null, 100)));
        }
        if (!found.isEmpty() && found.stream().allMatch(c -> c.vin() != null && c.vin().equals(found.get(0).vin()))) {
            return "redirect:/console/vehicles/" + found.get(0).vin();
        }
        model.addAttribute("results", found);
        model.addAttribute("now", clock.instant());
        return "console/search";
    }

    @GetMapping("/console/vehicles/{vin}")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public String vehicle(@PathVariable String vin, @RequestParam(name = "done", required = false) String done,
            Model model) {
        Vehicle vehicle = vehicles.vehicle(vin).orElseThrow(() -> PkiException.notFound("no vehicle " + clip(vin)));
        List<IssuedCertificate> certificates = new ArrayList<>(ca.search(CertificateQuery.byVin(vin)));
        certificates.sort(Comparator.comparing(IssuedCertificate::notBefore).reversed());
        List<String> targets = new ArrayList<>();
        targets.add(vin);
        certificates.forEach(c -> targets.add(c.serial()));
        model.addAttribute("vehicle", vehicle);
        model.addAttribute("vehicleModel", vehicles.model(vehicle.modelCode()).orElse(null));
        model.addAttribute("certificates", certificates);
        model.addAttribute("events", report.auditEvents(new FleetReport.AuditFilter(targets, null, null, null, 50)));
        model.addAttribute("now", clock.instant());
        model.addAttribute("done", done != null && DONE.contains(done) ? done : null);
        return "console/vehicle";
    }

    /** The confirmation step of a revocation: the certificate and the reason to pick. */
    @GetMapping("/console/certificates/{serial}/revoke")
    @Allowed({ApiRole.OPERATOR})
    public String confirmRevoke(@PathVariable String serial, Model model) {
        IssuedCertificate c = certificate(serial);
        model.addAttribute("certificate", c);
        model.addAttribute("reasons", REASONS);
        return "console/revoke";
    }

    @PostMapping("/console/certificates/{serial}/revoke")
    @Allowed({ApiRole.OPERATOR})
    public String revoke(@PathVariable String serial, @RequestParam(name = "reason", required = false) String reason,
            HttpServletRequest request) {
        IssuedCertificate revoked = ca.revoke(serial, RevocationReason.parse(reason), actor(request));
        return afterCertificateChange(revoked, "revoked");
    }

    /** Releases a certificate on hold (certificateHold): valid again. */
    @PostMapping("/console/certificates/{serial}/release")
    @Allowed({ApiRole.OPERATOR})
    public String release(@PathVariable String serial, HttpServletRequest request) {
        return afterCertificateChange(ca.release(serial, actor(request)), "released");
    }

    @PostMapping("/console/vehicles/{vin}/block")
    @Allowed({ApiRole.OPERATOR})
    public String block(@PathVariable String vin, HttpServletRequest request) {
        Vehicle v = vehicles.setBlocked(vin, true, clock.instant(), actor(request));
        return "redirect:/console/vehicles/" + v.vin() + "?done=blocked";
    }

    @PostMapping("/console/vehicles/{vin}/unblock")
    @Allowed({ApiRole.OPERATOR})
    public String unblock(@PathVariable String vin, HttpServletRequest request) {
        Vehicle v = vehicles.setBlocked(vin, false, clock.instant(), actor(request));
        return "redirect:/console/vehicles/" + v.vin() + "?done=unblocked";
    }

    /**
     * Issues a one-time enrollment token and shows it in this answer only (it is stored as its SM3 hash;
     * reloading the page does not show it again).
     */
    @PostMapping("/console/vehicles/{vin}/token")
    @Allowed({ApiRole.OPERATOR})
    public String token(@PathVariable String vin, @RequestParam(name = "ttlHours", defaultValue = "24") int ttlHours,
            HttpServletRequest request, Model model) {
        if (ttlHours < 1 || ttlHours > 24 * 365) {
            throw PkiException.badRequest("the token lifetime must be 1 to 8760 hours");
        }
        Vehicle vehicle = vehicles.vehicle(vin).orElseThrow(() -> PkiException.notFound("no vehicle " + clip(vin)));
        Duration ttl = Duration.ofHours(ttlHours);
        Instant expires = clock.instant().plus(ttl);
        String token = tokens.issue(vehicle.vin(), ttl, actor(request));
        model.addAttribute("token", token);
        model.addAttribute("tokenExpires", expires);
        return vehicle(vehicle.vin(), null, model);
    }

    private String afterCertificateChange(IssuedCertificate c, String done) {
        if (c.vin() != null) {
            return "redirect:/console/vehicles/" + c.vin() + "?done=" + done;
        }
        return "redirect:/console/vehicles?q=" + UriUtils.encodeQueryParam(c.serial(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private IssuedCertificate certificate(String serial) {
        String normalized = SerialNumbers.normalize(serial);
        if (normalized == null) {
            throw PkiException.badRequest("serial must be hexadecimal");
        }
        return ca.find(normalized).orElseThrow(() -> PkiException.notFound("no certificate with serial " + normalized));
    }

    static io.gmtls.pki.core.Actor actor(HttpServletRequest request) {
        // Set by ConsoleInterceptor from the session and checked by the API-key interceptor's role rule.
        return ((io.gmtls.pki.web.ApiKeys.Caller) request.getAttribute(io.gmtls.pki.web.ApiKeyInterceptor.CALLER))
                .actor();
    }

    static String clip(String s) {
        String c = s.length() > 24 ? s.substring(0, 24) : s;
        return c.replaceAll("[^0-9A-Za-z]", "?");
    }
}
