package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditAnchorTest {

    private static AuditAnchor anchor() {
        KeyPair key = TestSupport.sm2();
        return new AuditAnchor(new JcaCaSigner(key.getPublic(), key.getPrivate()));
    }

    @Test
    void aCheckpointVerifiesOnlyOverExactlyItsSignedFieldsAndOnlyWithItsKey() {
        AuditAnchor anchor = anchor();
        String hash = "ab".repeat(32);
        Instant at = Instant.parse("2026-12-07T00:00:00.123456789Z");
        AuditCheckpoint c = anchor.sign(42, hash, at);
        assertThat(c.at()).isEqualTo(AuditChain.truncate(at));
        assertThat(anchor.verifies(c)).isTrue();
        assertThat(anchor.highestSigned()).isEqualTo(42);

        assertThat(anchor.verifies(new AuditCheckpoint(43, hash, c.at(), c.keyId(), c.signature()))).isFalse();
        assertThat(anchor.verifies(new AuditCheckpoint(42, "cd".repeat(32), c.at(), c.keyId(), c.signature())))
                .isFalse();
        assertThat(anchor.verifies(new AuditCheckpoint(42, hash, c.at().plusMillis(1), c.keyId(), c.signature())))
                .isFalse();
        assertThat(anchor.verifies(new AuditCheckpoint(42, hash, c.at(), c.keyId(), new byte[] {0x30, 0x00})))
                .isFalse();
        // The same fields signed by another key (one the database role made up) never verify here.
        AuditAnchor other = anchor();
        AuditCheckpoint forged = other.sign(42, hash, at);
        assertThat(anchor.verifies(forged)).isFalse();
        assertThat(anchor.verifies(new AuditCheckpoint(42, hash, c.at(), c.keyId(), forged.signature()))).isFalse();
    }
}
