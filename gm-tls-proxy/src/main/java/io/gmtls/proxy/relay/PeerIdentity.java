package io.gmtls.proxy.relay;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.revocation.LiveConnections.CertificateId;
import io.gmtls.proxyprotocol.CertificateFacts;

/**
 * What the relay needs of a client's verified certificates, computed once per distinct chain: the
 * access log's CN and serial, the PPv2 certificate facts (CN, serial, SM3 fingerprint, issuer, algorithm
 * names) and the (issuer, serial) ids the revocation registry and check use. A vehicle that reconnects
 * presents the same certificates: {@link #of} finds its identity by the chain's DER in a bounded LRU
 * cache instead of reading names, hashing the certificate and converting DNs again. Nothing in it is
 * secret, and nothing in it depends on the connection, so sharing it between connections changes no
 * fact: the values are exactly those computed from the certificates.
 *
 * @param commonName  the signing certificate's first CN in DER order (access log), or null
 * @param serialHex   the signing certificate's serial, {@link java.math.BigInteger#toString(int) hex}
 * @param ppv2        the PPv2 facts of the signing certificate; null when they cannot be computed
 * @param ppv2Failure why {@code ppv2} is null (the header is then refused, as before), else null
 * @param endEntities ids of the end-entity certificates (TLCP: signing and encryption), those a CRL
 *                    may revoke; shared, never modified
 * @param checked     those of {@code endEntities} whose status is looked up (self-issued ones are skipped,
 *                    as {@code RevocationService.status(chain)} skips them); shared, never modified
 */
record PeerIdentity(String commonName, String serialHex, CertificateFacts ppv2, RuntimeException ppv2Failure,
        CertificateId[] endEntities, CertificateId[] checked) {

    /** Distinct client chains whose identity is kept (under 1 KB each). */
    static final int CACHE_SIZE = 2048;

    private static final Map<ChainKey, PeerIdentity> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ChainKey, PeerIdentity> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /**
     * The identity of a verified client chain (signing certificate first), from the cache or computed.
     *
     * @param registry where the end-entity ids' issuer names are shared, or null
     * @return null for an empty chain
     */
    static PeerIdentity of(List<X509Certificate> chain, LiveConnections registry) {
        if (chain.isEmpty()) {
            return null;
        }
        ChainKey key;
        try {
            byte[][] ders = new byte[chain.size()][];
            for (int i = 0; i < ders.length; i++) {
                ders[i] = chain.get(i).getEncoded();
            }
            key = new ChainKey(ders);
        } catch (CertificateEncodingException e) {
            return compute(chain, registry);
        }
        synchronized (CACHE) {
            PeerIdentity known = CACHE.get(key);
            if (known != null) {
                return known;
            }
        }
        PeerIdentity computed = compute(chain, registry);
        synchronized (CACHE) {
            PeerIdentity raced = CACHE.putIfAbsent(key, computed);
            return raced == null ? computed : raced;
        }
    }

    /** Identities held now (for tests: the cache is bounded). */
    static int cachedCount() {
        synchronized (CACHE) {
            return CACHE.size();
        }
    }

    private static PeerIdentity compute(List<X509Certificate> chain, LiveConnections registry) {
        X509Certificate signing = chain.get(0);
        CertificateFacts ppv2 = null;
        RuntimeException failure = null;
        try {
            ppv2 = CertificateFacts.of(signing);
        } catch (RuntimeException e) {
            failure = e;
        }
        List<X509Certificate> ends = endEntityCertificates(chain);
        CertificateId[] ids = new CertificateId[ends.size()];
        List<CertificateId> checked = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            X509Certificate end = ends.get(i);
            ids[i] = registry == null ? CertificateId.of(end) : registry.idOf(end);
            if (!end.getIssuerX500Principal().equals(end.getSubjectX500Principal())) {
                checked.add(ids[i]);
            }
        }
        return new PeerIdentity(commonName(signing), signing.getSerialNumber().toString(16), ppv2, failure, ids,
                checked.toArray(new CertificateId[0]));
    }

    /** The end-entity certificates of a chain (TLCP: signing and encryption); the first one if none is. */
    static List<X509Certificate> endEntityCertificates(List<X509Certificate> chain) {
        List<X509Certificate> out = new ArrayList<>(2);
        for (X509Certificate certificate : chain) {
            if (certificate.getBasicConstraints() < 0) {
                out.add(certificate);
            }
        }
        if (out.isEmpty() && !chain.isEmpty()) {
            out.add(chain.get(0));
        }
        return out;
    }

    private static String commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            // LdapName lists RDNs in DER order (the reverse of the RFC 2253 string): the first CN wins, as in HAProxy.
            for (Rdn rdn : name.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    /** The PPv2 facts, or the failure that made them unavailable (a fresh exception with its message). */
    CertificateFacts ppv2OrThrow() {
        if (ppv2 == null) {
            throw new IllegalArgumentException(ppv2Failure == null ? "no certificate facts" : ppv2Failure.getMessage(),
                    ppv2Failure);
        }
        return ppv2;
    }

    /** The DER of each certificate of a chain, compared by value. */
    private record ChainKey(byte[][] ders, int hash) {
        ChainKey(byte[][] ders) {
            this(ders, Arrays.deepHashCode(ders));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChainKey k && k.hash == hash && Arrays.deepEquals(ders, k.ders);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
