package io.gmtls.proxy.revocation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.security.auth.x500.X500Principal;

import io.gmtls.proxy.revocation.LiveConnections.CertificateId;

/**
 * The revocations learnt from the CA's feed (issue 13), kept beside the CRLs: a certificate is revoked
 * when either says so. An {@code unrevoked} event removes only the feed's entry (a CRL that lists the
 * certificate keeps revoking it until a CRL without it loads); a resync replaces the whole set.
 *
 * <p>Lookups are one hash probe, safe on event loops. Writes come from the one feed thread; the set and
 * the sequence it is current to are swapped together on a resync. Entries of certificates past their
 * notAfter are pruned (an expired certificate fails validation anyway).
 */
final class FeedRevocations {

    /** The learnt set and the last feed sequence number applied to it (-1: none yet). */
    private record State(Map<CertificateId, Instant> revoked, long seq) {
    }

    private volatile State state = new State(new ConcurrentHashMap<>(), -1);

    /** True when the feed revoked this certificate. */
    boolean isRevoked(X500Principal issuer, BigInteger serial) {
        return state.revoked.containsKey(new CertificateId(issuer, serial));
    }

    /** The last applied sequence number, -1 when nothing was applied. */
    long seq() {
        return state.seq;
    }

    /** Number of feed-revoked certificates. */
    int size() {
        return state.revoked.size();
    }

    /** Adds a revocation learnt from event {@code seq}; {@code notAfter} null = never pruned (until a resync). */
    void revoke(CertificateId id, Instant notAfter, long seq) {
        State s = state;
        s.revoked.put(id, notAfter == null ? Instant.MAX : notAfter);
        state = new State(s.revoked, seq);
    }

    /** Removes the feed's entry of a certificate (event {@code seq}). */
    void unrevoke(CertificateId id, long seq) {
        State s = state;
        s.revoked.remove(id);
        state = new State(s.revoked, seq);
    }

    /** Replaces everything learnt so far with a resync's set, current as of {@code seq}. */
    void replace(Map<CertificateId, Instant> revoked, long seq) {
        state = new State(new ConcurrentHashMap<>(revoked), seq);
    }

    /** Forgets everything (the feed was removed from the configuration). */
    void clear() {
        state = new State(new ConcurrentHashMap<>(), -1);
    }

    /** Drops the entries of certificates that expired before {@code now}; returns how many. */
    int pruneExpired(Instant now) {
        Map<CertificateId, Instant> revoked = state.revoked;
        int before = revoked.size();
        revoked.values().removeIf(notAfter -> notAfter.isBefore(now));
        return before - revoked.size();
    }

    /** A snapshot of the learnt set, for tests and for closing live connections after a resync. */
    Map<CertificateId, Instant> snapshot() {
        return Map.copyOf(state.revoked);
    }
}
