package io.gmtls.proxy.revocation;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

import javax.security.auth.x500.X500Principal;

/**
 * Live connections by the issuer and serial of their client certificates, so that a CRL refresh can
 * close the connections of certificates it newly revokes. One small entry per authenticated connection.
 */
public final class LiveConnections {

    /** A connection that can be closed because its certificate was revoked. */
    public interface Revocable {
        /** Closes the connection (called from any thread); the reason ends up in the access log. */
        void closeRevoked();
    }

    /** Issuer name and serial number: what a CRL entry identifies a certificate by. */
    public record CertificateId(X500Principal issuer, BigInteger serial) {
        /** The id of a certificate. */
        public static CertificateId of(X509Certificate certificate) {
            return new CertificateId(certificate.getIssuerX500Principal(), certificate.getSerialNumber());
        }
    }

    /** Upper bound of distinct issuer names kept for sharing (there are a handful of issuing CAs). */
    private static final int MAX_SHARED_ISSUERS = 1024;

    private final Map<Revocable, CertificateId[]> connections = new ConcurrentHashMap<>();
    /**
     * One instance per issuer name: every {@code getIssuerX500Principal()} call makes a new principal
     * with its parsed name (about 1 KB), which would otherwise be kept once per live connection.
     */
    private final Map<X500Principal, X500Principal> issuers = new ConcurrentHashMap<>();

    /** Registers a connection with its client's end-entity certificates (TLCP: signing and encryption). */
    public void register(Revocable connection, List<X509Certificate> endEntityCertificates) {
        CertificateId[] ids = new CertificateId[endEntityCertificates.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(endEntityCertificates.get(i));
        }
        connections.put(connection, ids);
    }

    /**
     * Registers a connection with the ids of its client's end-entity certificates. The array is kept
     * as it is (connections of the same client may share one) and must not be modified afterwards.
     */
    public void register(Revocable connection, CertificateId[] endEntityIds) {
        connections.put(connection, endEntityIds);
    }

    /** The id of a certificate, its issuer name shared with the other ids of that issuer. */
    public CertificateId idOf(X509Certificate certificate) {
        return new CertificateId(shared(certificate.getIssuerX500Principal()), certificate.getSerialNumber());
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

    /** Forgets a closed connection. */
    public void unregister(Revocable connection) {
        connections.remove(connection);
    }

    /** Number of registered connections. */
    public int size() {
        return connections.size();
    }

    /**
     * Closes every registered connection one of whose certificates is revoked.
     *
     * @param revoked tells whether (issuer, serial) is revoked
     * @return how many connections were closed
     */
    public int closeRevoked(BiPredicate<X500Principal, BigInteger> revoked) {
        int closed = 0;
        for (Map.Entry<Revocable, CertificateId[]> entry : connections.entrySet()) {
            for (CertificateId id : entry.getValue()) {
                if (revoked.test(id.issuer(), id.serial())) {
                    if (connections.remove(entry.getKey()) != null) {
                        entry.getKey().closeRevoked();
                        closed++;
                    }
                    break;
                }
            }
        }
        return closed;
    }
}
