package io.gmtls.pki.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement that the audit chain's event {@code seq} had the hash {@code headHash} at time
 * {@code at}, by the checkpoint key {@code keyId} (SM3 of its SubjectPublicKeyInfo).
 */
public record AuditCheckpoint(long seq, String headHash, Instant at, String keyId, byte[] signature) {

    /** What is signed: a versioned text, unambiguous since every field has a fixed form. */
    public static byte[] payload(long seq, String headHash, Instant at) {
        Instant t = AuditChain.truncate(at);
        return ("gmtls-audit-checkpoint/1\n" + seq + "\n" + headHash + "\n"
                + (t.getEpochSecond() * 1_000_000L + t.getNano() / 1000) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] payload() {
        return payload(seq, headHash, at);
    }
}
