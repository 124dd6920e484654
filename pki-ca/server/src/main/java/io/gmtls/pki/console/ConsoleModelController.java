package io.gmtls.pki.console;

import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * Vehicle models: the per-model enrollment and 一型一密 switches, and the bulk VIN import from a CSV
 * (a preview of what would change, then one all-or-nothing apply through {@link VehicleDirectory}, the
 * REST import's path).
 */
@Controller
public class ConsoleModelController {

    /** VINs at most in one console import (larger lists go through the REST import). */
    static final int MAX_CONSOLE_IMPORT = 10_000;
    /** Rows listed in the preview. */
    static final int PREVIEW_ROWS = 200;
    private static final Set<String> DONE = Set.of("enrollment", "mode", "imported");

    private final VehicleDirectory vehicles;
    private final FleetReport report;
    private final Clock clock;

    public ConsoleModelController(VehicleDirectory vehicles, FleetReport report, Clock pkiClock) {
        this.vehicles = vehicles;
        this.report = report;
        this.clock = pkiClock;
    }

    @GetMapping("/console/models")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public String models(@RequestParam(name = "done", required = false) String done,
            @RequestParam(name = "count", required = false) Integer count, Model model) {
        model.addAttribute("models", report.summary(clock.instant(), 1).models());
        model.addAttribute("done", done != null && DONE.contains(done) ? done : null);
        model.addAttribute("count", count);
        return "console/models";
    }

    @PostMapping("/console/models/{code}/enrollment")
    @Allowed({ApiRole.OPERATOR})
    public String enrollment(@PathVariable String code, @RequestParam("allowed") boolean allowed,
            HttpServletRequest request) {
        vehicles.setEnrollmentAllowed(code, allowed, ConsoleVehicleController.actor(request));
        return "redirect:/console/models?done=enrollment";
    }

    @PostMapping("/console/models/{code}/mode")
    @Allowed({ApiRole.OPERATOR})
    public String perModel(@PathVariable String code, @RequestParam("allowed") boolean allowed,
            HttpServletRequest request) {
        vehicles.setPerModelAllowed(code, allowed, ConsoleVehicleController.actor(request));
        return "redirect:/console/models?done=mode";
    }

    /** A row of the preview. */
    public record PreviewRow(int line, String vin, String model, boolean registered) {
    }

    /** Parses the CSV and shows what an import would change; changes nothing. */
    @PostMapping("/console/models/import")
    @Allowed({ApiRole.OPERATOR})
    public String preview(@RequestParam(name = "csv", required = false) String csv,
            @RequestParam(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "model", required = false) String defaultModel, Model model) throws IOException {
        String text = csv;
        if (file != null && !file.isEmpty()) {
            text = new String(file.getBytes(), StandardCharsets.UTF_8);
        }
        String modelCode = defaultModel == null || defaultModel.isBlank() ? null : defaultModel.strip();
        List<Vehicle> parsed = parse(text, modelCode);
        List<PreviewRow> rows = new ArrayList<>();
        int registered = 0;
        List<String> unknownModels = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            Vehicle v = parsed.get(i);
            boolean known = vehicles.vehicle(v.vin()).isPresent();
            if (known) {
                registered++;
            }
            if (!unknownModels.contains(v.modelCode()) && vehicles.model(v.modelCode()).isEmpty()) {
                unknownModels.add(v.modelCode());
            }
            if (rows.size() < PREVIEW_ROWS) {
                rows.add(new PreviewRow(i + 1, v.vin(), v.modelCode(), known));
            }
        }
        model.addAttribute("csv", text);
        model.addAttribute("defaultModel", modelCode);
        model.addAttribute("rows", rows);
        model.addAttribute("total", parsed.size());
        model.addAttribute("registered", registered);
        model.addAttribute("unknownModels", unknownModels);
        model.addAttribute("applicable", registered == 0 && unknownModels.isEmpty());
        model.addAttribute("models", report.summary(clock.instant(), 1).models());
        return "console/models";
    }

    /** Registers every VIN of the CSV, or none (one transaction, one audit event, as the REST import). */
    @PostMapping("/console/models/import/apply")
    @Allowed({ApiRole.OPERATOR})
    public String apply(@RequestParam(name = "csv") String csv,
            @RequestParam(name = "model", required = false) String defaultModel, HttpServletRequest request) {
        String modelCode = defaultModel == null || defaultModel.isBlank() ? null : defaultModel.strip();
        int added = vehicles.addVehicles(parse(csv, modelCode), ConsoleVehicleController.actor(request));
        return "redirect:/console/models?done=imported&count=" + added;
    }

    private static List<Vehicle> parse(String csv, String defaultModel) {
        List<Vehicle> parsed = VehicleDirectory.parseCsv(csv, defaultModel);
        if (parsed.size() > MAX_CONSOLE_IMPORT) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "more than " + MAX_CONSOLE_IMPORT
                    + " VINs: use the REST import (POST /api/v1/admin/vehicles/import) for larger lists");
        }
        return parsed;
    }
}
