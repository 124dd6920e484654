package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static List<StoredAuditEvent> chain(int n) {
        List<StoredAuditEvent> events = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        Instant t = AuditChain.truncate(Instant.now());
        for (int i = 1; i <= n; i++) {
            String h = AuditChain.hash(prev, i, t, "ops", "admin", "certificate.issue", "x" + i, AuditOutcome.SUCCESS, "d");
            events.add(new StoredAuditEvent(i, t, "ops", "admin", "certificate.issue", "x" + i, AuditOutcome.SUCCESS,
                    "d", prev, h));
            prev = h;
        }
        return events;
    }

    @Test
    void intactChainVerifiesAndEveryKindOfTamperingIsFound() {
        List<StoredAuditEvent> events = chain(5);
        String head = events.get(4).hash();
        assertThat(AuditChain.verify(events, head, 5).intact()).isTrue();

        List<StoredAuditEvent> altered = new ArrayList<>(events);
        StoredAuditEvent e = altered.get(2);
        altered.set(2, new StoredAuditEvent(e.seq(), e.at(), "mallory", e.actorRole(), e.action(), e.target(),
                e.outcome(), e.detail(), e.previousHash(), e.hash()));
        assertThat(AuditChain.verify(altered, head, 5)).satisfies(v -> {
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBadSeq()).isEqualTo(3);
        });

        List<StoredAuditEvent> removed = new ArrayList<>(events);
        removed.remove(1);
        assertThat(AuditChain.verify(removed, head, 5).reason()).contains("missing");

        assertThat(AuditChain.verify(events.subList(0, 4), head, 5).reason()).contains("removed");
    }
}
