package io.gmtls.pki.core;

import java.time.Instant;
import java.util.Optional;

/** Published CRLs (a port): every node serves the latest one from the database. */
public interface CrlStore {

    void save(StoredCrl crl);

    /** The latest full (delta=false) or delta CRL of a CA. */
    Optional<StoredCrl> latest(String caName, boolean delta);

    /**
     * A published CRL.
     *
     * @param maxRevocationId the highest revocation id it covers (deltas list those after the base's)
     * @param baseNumber      for a delta, the number of its base full CRL; null for a full CRL
     */
    record StoredCrl(String caName, long number, boolean delta, Long baseNumber, long maxRevocationId,
            Instant thisUpdate, Instant nextUpdate, byte[] der) {
    }
}
