package io.gmtls.pki.web;

import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.StoredAuditEvent;
import io.gmtls.pki.service.AuditCheckpointer;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log and its chain check. */
@RestController
@RequestMapping("/api/v1/admin/audit")
public class AdminAuditController {

    private final PkiStores stores;
    private final AuditAnchor anchor;
    private final Clock clock;
    private final Duration maxUnanchored;

    public AdminAuditController(PkiStores stores, AuditAnchor anchor, Clock pkiClock,
            @Value("${" + PkiCaApplication.CHECKPOINT_INTERVAL + ":5m}") Duration checkpointInterval) {
        this.stores = stores;
        this.anchor = anchor;
        this.clock = pkiClock;
        this.maxUnanchored = AuditCheckpointer.maxUnanchored(checkpointInterval);
    }

    @GetMapping
    @Allowed({ApiRole.AUDITOR})
    public List<StoredAuditEvent> events(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String target) {
        if (limit < 1 || limit > 1000) {
            throw PkiException.badRequest("limit must be between 1 and 1000");
        }
        return stores.audit().recent(limit, target);
    }

    /**
     * 200 when the chain is intact and matches its signed checkpoints, 409 with where it breaks
     * otherwise (a rewrite that recomputed the unkeyed hashes breaks at the checkpoint it no longer matches).
     */
    @GetMapping("/verify")
    @Allowed({ApiRole.AUDITOR})
    public ResponseEntity<AuditChain.Verification> verify() {
        AuditChain.Verification v = stores.audit().verify(anchor, clock.instant(), maxUnanchored);
        return ResponseEntity.status(v.intact() ? 200 : 409).body(v);
    }
}
