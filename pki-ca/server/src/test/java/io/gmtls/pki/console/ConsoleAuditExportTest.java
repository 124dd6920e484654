package io.gmtls.pki.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.StoredAuditEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleAuditExportTest {

    @Test
    void cellsAreQuotedAndFormulasDefused() {
        assertThat(ConsoleAuditController.cell("plain")).isEqualTo("plain");
        assertThat(ConsoleAuditController.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(ConsoleAuditController.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ConsoleAuditController.cell("line\nbreak")).isEqualTo("\"line\nbreak\"");
        assertThat(ConsoleAuditController.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(ConsoleAuditController.cell("-1")).isEqualTo("\"'-1\"");
        assertThat(ConsoleAuditController.cell(null)).isEmpty();
    }

    @Test
    void oneLinePerEventAfterTheHeader() {
        StoredAuditEvent e = new StoredAuditEvent(7, Instant.parse("2026-12-01T08:00:00Z"), "ops", "operator",
                "certificate.revoke", "ab12", AuditOutcome.SUCCESS, "reason=KEY_COMPROMISE cn=X,Y", "0".repeat(64),
                "f".repeat(64));
        String csv = ConsoleAuditController.csv(List.of(e));
        assertThat(csv.split("\r\n")).containsExactly(
                "seq,at,actor,actor_role,action,target,outcome,detail,prev_hash,hash",
                "7,2026-12-01T08:00:00Z,ops,operator,certificate.revoke,ab12,SUCCESS,\"reason=KEY_COMPROMISE cn=X,Y\","
                        + "0".repeat(64) + "," + "f".repeat(64));
    }
}
