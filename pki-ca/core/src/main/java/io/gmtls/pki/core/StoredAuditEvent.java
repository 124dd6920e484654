package io.gmtls.pki.core;

import java.time.Instant;

/** An audit event as stored, with its place in the SM3 hash chain. */
public record StoredAuditEvent(long seq, Instant at, String actor, String actorRole, String action, String target,
        AuditOutcome outcome, String detail, String previousHash, String hash) {
}
