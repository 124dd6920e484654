package io.gmtls.pki.web;

import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.StoredAuditEvent;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import java.util.List;
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

    public AdminAuditController(PkiStores stores) {
        this.stores = stores;
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

    /** 200 when the chain is intact, 409 with where it breaks otherwise. */
    @GetMapping("/verify")
    @Allowed({ApiRole.AUDITOR})
    public ResponseEntity<AuditChain.Verification> verify() {
        AuditChain.Verification v = stores.audit().verify();
        return ResponseEntity.status(v.intact() ? 200 : 409).body(v);
    }
}
