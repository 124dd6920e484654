package io.gmtls.pki.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Issued certificates and their revocations (a port). */
public interface CertificateStore {

    /**
     * Inserts a certificate, with the escrowed private key of an encryption certificate if any.
     * Returns false, writing nothing, when the serial number is taken (the caller draws another).
     */
    boolean insert(IssuedCertificate certificate, byte[] escrowedKey);

    /**
     * Inserts several certificates (with their escrowed keys, null where none), in one round trip where
     * the store can. Returns the serial numbers that were taken: nothing is written for those, the
     * caller signs them again under a new serial. The default inserts one by one.
     */
    default Set<String> insertAll(List<IssuedCertificate> certificates, List<byte[]> escrowedKeys) {
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < certificates.size(); i++) {
            if (!insert(certificates.get(i), escrowedKeys.get(i))) {
                taken.add(certificates.get(i).serial());
            }
        }
        return taken;
    }

    Optional<IssuedCertificate> findBySerial(String serial);

    List<IssuedCertificate> search(CertificateQuery query);

    /**
     * Marks a certificate revoked, appends a {@link RevocationEvent} (kind revoked) to the
     * {@link RevocationEventLog} in the same transaction, and tells the other nodes (NOTIFY on
     * commit); empty when there is no such certificate, a 409 when it is already revoked.
     */
    Optional<IssuedCertificate> revoke(String serial, RevocationReason reason, Instant at);

    /**
     * Releases a certificate from hold (RFC 5280 certificateHold): its revocation is removed and it is
     * valid again; a {@link RevocationEvent} (kind unrevoked) is appended in the same transaction;
     * other nodes are told on commit. Empty when there is no such certificate, a 409 when
     * it is not revoked with reason certificateHold.
     */
    Optional<IssuedCertificate> release(String serial);

    /** Revoked certificates of a CA with their revocation id, for a CRL; takes the lock CRL numbering needs. */
    List<RevokedEntry> revocationsForCrl(String caName, long afterRevocationId);

    /** The escrowed private key (an SM2EnvelopedKey to the key-management key), if one was stored. */
    Optional<byte[]> escrowedKey(String serial);

    /** A revoked certificate as listed in a CRL. */
    record RevokedEntry(long revocationId, String serial, Instant revokedAt, RevocationReason reason) {
    }
}
