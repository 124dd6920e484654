package io.gmtls.proxy.revocation;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import javax.security.auth.x500.X500Principal;

/**
 * Live connections indexed by the issuer and serial of their client certificates, so that a
 * revocation closes the connections of its certificate at the cost of one hash lookup (a feed event),
 * and a new CRL at the cost of one look per distinct live certificate.
 *
 * <p>Memory per authenticated connection: one map node per end-entity certificate (TLCP: signing and
 * encryption) with its small id, plus the id array the caller keeps to unregister. The value of a map
 * node is the connection itself; only when one certificate has several live connections at once (a
 * vehicle reconnecting before its old connection timed out) is it a small array.
 */
public final class LiveConnections {

    /** A connection that can be closed because its certificate was revoked. */
    public interface Revocable {
        /** Closes the connection (called from any thread, must not block); the reason ends up in the access log. */
        void closeRevoked();
    }

    /** Issuer name and serial number: what a CRL entry or a feed event identifies a certificate by. */
    public record CertificateId(X500Principal issuer, BigInteger serial) {
        /** The id of a certificate. */
        public static CertificateId of(X509Certificate certificate) {
            return new CertificateId(certificate.getIssuerX500Principal(), certificate.getSerialNumber());
        }
    }

    /** Upper bound of distinct issuer names kept for sharing (there are a handful of issuing CAs). */
    private static final int MAX_SHARED_ISSUERS = 1024;

    /** Certificate → the one {@link Revocable} using it, or a {@code Revocable[]} of several. */
    private final Map<CertificateId, Object> byCertificate = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    /**
     * One instance per issuer name: every {@code getIssuerX500Principal()} call makes a new principal
     * with its parsed name (about 1 KB), which would otherwise be kept once per live connection.
     */
    private final Map<X500Principal, X500Principal> issuers = new ConcurrentHashMap<>();

    /**
     * Registers a connection with its client's end-entity certificates (TLCP: signing and encryption).
     *
     * @return the ids to pass to {@link #unregister} when the connection closes
     */
    public CertificateId[] register(Revocable connection, List<X509Certificate> endEntityCertificates) {
        CertificateId[] ids = new CertificateId[endEntityCertificates.size()];
        for (int i = 0; i < ids.length; i++) {
            X509Certificate certificate = endEntityCertificates.get(i);
            ids[i] = new CertificateId(shared(certificate.getIssuerX500Principal()), certificate.getSerialNumber());
            byCertificate.merge(ids[i], connection, LiveConnections::add);
        }
        connections.incrementAndGet();
        return ids;
    }

    private X500Principal shared(X500Principal issuer) {
        X500Principal known = issuers.get(issuer);
        if (known != null) {
            return known;
        }
        if (issuers.size() >= MAX_SHARED_ISSUERS) {
            return issuer;
        }
        X500Principal previous = issuers.putIfAbsent(issuer, issuer);
        return previous == null ? issuer : previous;
    }

    /** Forgets a closed connection (whether or not a revocation already took it out). */
    public void unregister(Revocable connection, CertificateId[] ids) {
        for (CertificateId id : ids) {
            byCertificate.computeIfPresent(id, (k, v) -> remove(v, connection));
        }
        connections.decrementAndGet();
    }

    /** Number of registered connections. */
    public int size() {
        return connections.get();
    }

    /**
     * Closes the live connections of one certificate (a feed event): one lookup.
     *
     * @return how many connections were closed
     */
    public int closeRevoked(CertificateId id) {
        Object removed = byCertificate.remove(id);
        if (removed == null) {
            return 0;
        }
        Set<Revocable> closed = Collections.newSetFromMap(new IdentityHashMap<>());
        close(removed, closed);
        return closed.size();
    }

    /**
     * Closes every registered connection one of whose certificates is revoked (a new CRL): one test
     * per distinct live certificate.
     *
     * @param revoked tells whether (issuer, serial) is revoked
     * @return how many connections were closed
     */
    public int closeRevoked(BiPredicate<X500Principal, BigInteger> revoked) {
        // A connection has up to two certificates: count (and close) it once.
        Set<Revocable> closed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (CertificateId id : byCertificate.keySet()) {
            if (revoked.test(id.issuer(), id.serial())) {
                Object removed = byCertificate.remove(id);
                if (removed != null) {
                    close(removed, closed);
                }
            }
        }
        return closed.size();
    }

    private static void close(Object entry, Set<Revocable> closed) {
        if (entry instanceof Revocable one) {
            if (closed.add(one)) {
                one.closeRevoked();
            }
            return;
        }
        for (Revocable r : (Revocable[]) entry) {
            if (closed.add(r)) {
                r.closeRevoked();
            }
        }
    }

    private static Object add(Object existing, Object added) {
        Revocable connection = (Revocable) added;
        if (existing instanceof Revocable one) {
            return one == connection ? one : new Revocable[] {one, connection};
        }
        Revocable[] many = (Revocable[]) existing;
        for (Revocable r : many) {
            if (r == connection) {
                return many;
            }
        }
        Revocable[] grown = java.util.Arrays.copyOf(many, many.length + 1);
        grown[many.length] = connection;
        return grown;
    }

    /** The entry without {@code connection}, or null (the mapping is removed) when none is left. */
    private static Object remove(Object existing, Revocable connection) {
        if (existing instanceof Revocable one) {
            return one == connection ? null : one;
        }
        Revocable[] many = (Revocable[]) existing;
        int at = -1;
        for (int i = 0; i < many.length; i++) {
            if (many[i] == connection) {
                at = i;
            }
        }
        if (at < 0) {
            return many;
        }
        if (many.length == 2) {
            return many[1 - at];
        }
        Revocable[] shrunk = new Revocable[many.length - 1];
        System.arraycopy(many, 0, shrunk, 0, at);
        System.arraycopy(many, at + 1, shrunk, at, many.length - at - 1);
        return shrunk;
    }
}
