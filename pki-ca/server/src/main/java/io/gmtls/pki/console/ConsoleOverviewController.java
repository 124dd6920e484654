package io.gmtls.pki.console;

import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.service.AuditCheckpointer;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The fleet overview: vehicles per model, enrolment, expiring certificates, activity, CRLs, audit chain. */
@Controller
public class ConsoleOverviewController {

    /** Days in the activity chart. */
    static final int CHART_DAYS = 14;

    private final FleetReport report;
    private final AuditChecks auditChecks;
    private final MessageSource messages;
    private final Clock clock;

    public ConsoleOverviewController(FleetReport report, AuditChecks auditChecks, MessageSource messages,
            Clock pkiClock) {
        this.report = report;
        this.auditChecks = auditChecks;
        this.messages = messages;
        this.clock = pkiClock;
    }

    @GetMapping({"/console", "/console/"})
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public String overview(Model model, Locale locale) {
        FleetReport.Summary summary = report.summary(clock.instant(), CHART_DAYS);
        model.addAttribute("summary", summary);
        model.addAttribute("chart", DailyChart.svg(summary.days(),
                messages.getMessage("overview.chart.issued", null, locale),
                messages.getMessage("overview.chart.revoked", null, locale),
                messages.getMessage("overview.chart.title", null, locale)));
        model.addAttribute("audit", auditChecks.recent());
        model.addAttribute("now", clock.instant());
        return "console/overview";
    }

    /**
     * The audit chain check the REST API's {@code /audit/verify} runs (the whole chain and its signed
     * checkpoints). The overview shows the latest result, at most 30 s old, so that reloading the page
     * does not walk the chain each time; the audit page's "verify" always runs it anew.
     */
    @org.springframework.stereotype.Component
    public static class AuditChecks {
        private static final Duration FRESH = Duration.ofSeconds(30);
        private final PkiStores stores;
        private final AuditAnchor anchor;
        private final Clock clock;
        private final Duration maxUnanchored;
        private volatile Checked last;

        /** A verification and when it ran. */
        public record Checked(AuditChain.Verification result, Instant at) {
        }

        public AuditChecks(PkiStores stores, AuditAnchor anchor, Clock pkiClock,
                @Value("${" + PkiCaApplication.CHECKPOINT_INTERVAL + ":5m}") Duration checkpointInterval) {
            this.stores = stores;
            this.anchor = anchor;
            this.clock = pkiClock;
            this.maxUnanchored = AuditCheckpointer.maxUnanchored(checkpointInterval);
        }

        /** Runs the check now. */
        public Checked verify() {
            Instant now = clock.instant();
            Checked c = new Checked(stores.audit().verify(anchor, now, maxUnanchored), now);
            last = c;
            return c;
        }

        /** The last result if fresh, else a new one. */
        public Checked recent() {
            Checked c = last;
            if (c == null || c.at().plus(FRESH).isBefore(clock.instant())) {
                return verify();
            }
            return c;
        }
    }
}
