package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.Fingerprints;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The audit log's hash chain: each event's hash is SM3 over the previous hash and the event's fields
 * (length-prefixed), so a changed, inserted or removed row breaks the chain from that point on.
 */
public final class AuditChain {

    /** The "previous hash" of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** Event times are kept at microsecond precision (PostgreSQL timestamptz). */
    public static Instant truncate(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The hash of an event given the previous hash. */
    public static String hash(String previousHash, long seq, Instant at, String actor, String actorRole,
            String action, String target, AuditOutcome outcome, String detail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(HexFormat.of().parseHex(previousHash));
        Instant t = truncate(at);
        out.writeBytes(ByteBuffer.allocate(16).putLong(seq)
                .putLong(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000).array());
        for (String field : new String[] {actor, actorRole, action, target, outcome.name(), detail}) {
            byte[] bytes = (field == null ? "" : field).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return Fingerprints.sm3Hex(out.toByteArray());
    }

    /** The result of walking the chain. */
    public record Verification(boolean intact, long eventsChecked, Long firstBadSeq, String reason) {
        public static Verification ok(long count) {
            return new Verification(true, count, null, "chain intact");
        }
    }

    /** Walks events in sequence order and returns where the chain first breaks, if it does. */
    public static Verification verify(Iterable<StoredAuditEvent> events, String headHash, long headSeq) {
        Verifier verifier = new Verifier();
        for (StoredAuditEvent e : events) {
            if (!verifier.accept(e)) {
                break;
            }
        }
        return verifier.finish(headSeq, headHash);
    }

    /** Checks a chain one event at a time (the store streams events through it). */
    public static final class Verifier {
        private String previous = GENESIS;
        private long expectedSeq = 1;
        private long count;
        private Verification failure;

        /** Checks the next event; false once the chain is broken. */
        public boolean accept(StoredAuditEvent e) {
            if (failure != null) {
                return false;
            }
            if (e.seq() != expectedSeq) {
                failure = new Verification(false, count, expectedSeq, "event " + expectedSeq + " is missing");
                return false;
            }
            if (!MessageDigest.isEqual(previous.getBytes(StandardCharsets.US_ASCII),
                    e.previousHash().getBytes(StandardCharsets.US_ASCII))) {
                failure = new Verification(false, count, e.seq(),
                        "event " + e.seq() + " does not link to its predecessor");
                return false;
            }
            String expected = hash(previous, e.seq(), e.at(), e.actor(), e.actorRole(), e.action(), e.target(),
                    e.outcome(), e.detail());
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    e.hash().getBytes(StandardCharsets.US_ASCII))) {
                failure = new Verification(false, count, e.seq(), "event " + e.seq() + " was altered");
                return false;
            }
            previous = e.hash();
            expectedSeq++;
            count++;
            return true;
        }

        /** The result, given the head row (which detects events removed from the end). */
        public Verification finish(long headSeq, String headHash) {
            if (failure != null) {
                return failure;
            }
            if (headSeq != count || !previous.equals(headHash)) {
                return new Verification(false, count, count + 1,
                        headSeq > count ? "events after " + count + " were removed" : "the chain head does not match");
            }
            return Verification.ok(count);
        }
    }
}
