package io.gmtls.pki.core;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Read-only figures about the fleet and the audit log for the operator console (a port): counts the
 * console shows, computed where the data lives instead of by loading every row. Nothing here changes
 * state, so nothing here is audited.
 */
public interface FleetReport {

    /** The overview at {@code now}: per-model counts, expiring certificates, the last {@code days} days. */
    Summary summary(Instant now, int days);

    /** Audit events, newest first, matching every non-null field of the filter. */
    List<StoredAuditEvent> auditEvents(AuditFilter filter);

    /**
     * A model and its vehicles.
     *
     * @param vehicles registered VINs
     * @param enrolled VINs with a usable (valid, unrevoked, unexpired) vehicle signing certificate
     * @param blocked  VINs an operator blocked
     */
    record ModelCount(String code, String name, boolean perModelAllowed, boolean enrollmentAllowed, long vehicles,
            long enrolled, long blocked) {
    }

    /** Certificates issued and revoked on one day (UTC). */
    record DayCount(LocalDate day, long issued, long revoked) {
    }

    /**
     * The newest full CRL of a CA, and the newest delta CRL's number (null when none).
     */
    record CrlState(String caName, long number, Instant thisUpdate, Instant nextUpdate, Long deltaNumber) {
    }

    /**
     * The overview.
     *
     * @param expiring30 valid end-entity certificates whose notAfter is within 30 days
     * @param expiring90 the same within 90 days (includes expiring30)
     * @param days       one entry per day, oldest first, days without events included
     */
    record Summary(List<ModelCount> models, long expiring30, long expiring90, List<DayCount> days,
            List<CrlState> crls) {

        /** All registered vehicles. */
        public long vehicles() {
            return models.stream().mapToLong(ModelCount::vehicles).sum();
        }

        /** Vehicles with a usable signing certificate of their own. */
        public long enrolled() {
            return models.stream().mapToLong(ModelCount::enrolled).sum();
        }
    }

    /**
     * What to look for in the audit log; null fields do not constrain.
     *
     * @param targets exact targets (VINs, serials, model codes, ...), any of them; empty: any target
     * @param action  action, or an action prefix ending in '.' (e.g. {@code certificate.})
     * @param actor   exact actor name
     * @param outcome SUCCESS or FAILED
     * @param limit   1 to 10,000
     */
    record AuditFilter(List<String> targets, String action, String actor, AuditOutcome outcome, int limit) {

        /** Upper bound of one query (an export of more pages through the API). */
        public static final int MAX_LIMIT = 10_000;

        public AuditFilter {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw PkiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
            }
            targets = targets == null ? List.of() : targets.stream().map(t -> blankToNull(t, 200))
                    .filter(java.util.Objects::nonNull).toList();
            if (targets.size() > 1001) {
                throw PkiException.badRequest("more than 1001 targets");
            }
            action = blankToNull(action, 100);
            actor = blankToNull(actor, 200);
        }

        private static String blankToNull(String s, int max) {
            if (s == null || s.isBlank()) {
                return null;
            }
            String t = s.strip();
            if (t.length() > max) {
                throw PkiException.badRequest("a filter value is longer than " + max + " characters");
            }
            return t;
        }
    }
}
