package io.gmtls.pki.console;

import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.StoredAuditEvent;
import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log: filter, verify the chain (with its signed checkpoints), export as CSV or JSON. */
@Controller
public class ConsoleAuditController {

    private final FleetReport report;
    private final ConsoleOverviewController.AuditChecks checks;

    public ConsoleAuditController(FleetReport report, ConsoleOverviewController.AuditChecks checks) {
        this.report = report;
        this.checks = checks;
    }

    @GetMapping("/console/audit")
    @Allowed({ApiRole.AUDITOR, ApiRole.OPERATOR})
    public String audit(@RequestParam(required = false) String target, @RequestParam(required = false) String action,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String outcome,
            @RequestParam(defaultValue = "200") int limit, Model model) {
        model.addAttribute("events", report.auditEvents(filter(target, action, actor, outcome, limit)));
        model.addAttribute("target", target);
        model.addAttribute("action", action);
        model.addAttribute("actor", actor);
        model.addAttribute("outcome", outcome);
        model.addAttribute("limit", limit);
        return "console/audit";
    }

    /** Walks the whole chain and checks the signed checkpoints now. */
    @GetMapping("/console/audit/verify")
    @Allowed({ApiRole.AUDITOR, ApiRole.OPERATOR})
    public String verify(Model model) {
        model.addAttribute("verification", checks.verify());
        return audit(null, null, null, null, 200, model);
    }

    /** The filtered events as a file for an assessor: {@code format=csv} or {@code json}. */
    @GetMapping("/console/audit/export")
    @Allowed({ApiRole.AUDITOR, ApiRole.OPERATOR})
    public ResponseEntity<?> export(@RequestParam(defaultValue = "csv") String format,
            @RequestParam(required = false) String target, @RequestParam(required = false) String action,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String outcome,
            @RequestParam(defaultValue = "10000") int limit) {
        List<StoredAuditEvent> events = report.auditEvents(filter(target, action, actor, outcome, limit));
        if (format.equals("json")) {
            return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit.json\"")
                    .contentType(MediaType.APPLICATION_JSON).body(events);
        }
        if (!format.equals("csv")) {
            throw PkiException.badRequest("format must be csv or json");
        }
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\"")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8)).body(csv(events));
    }

    static String csv(List<StoredAuditEvent> events) {
        StringBuilder out = new StringBuilder("seq,at,actor,actor_role,action,target,outcome,detail,prev_hash,hash\r\n");
        for (StoredAuditEvent e : events) {
            out.append(e.seq()).append(',').append(e.at()).append(',').append(cell(e.actor())).append(',')
                    .append(cell(e.actorRole())).append(',').append(cell(e.action())).append(',')
                    .append(cell(e.target())).append(',').append(e.outcome()).append(',').append(cell(e.detail()))
                    .append(',').append(e.previousHash()).append(',').append(e.hash()).append("\r\n");
        }
        return out.toString();
    }

    /**
     * RFC 4180 quoting; a cell a spreadsheet would read as a formula (=, +, -, @ first) is quoted with a
     * leading apostrophe so that opening the export runs nothing. The hashes stay exact.
     */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String v = s;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || !v.equals(s)) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static FleetReport.AuditFilter filter(String target, String action, String actor, String outcome,
            int limit) {
        AuditOutcome o = null;
        if (outcome != null && !outcome.isBlank()) {
            try {
                o = AuditOutcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw PkiException.badRequest("outcome must be SUCCESS or FAILED");
            }
        }
        return new FleetReport.AuditFilter(target == null ? List.of() : List.of(target), action, actor, o, limit);
    }
}
