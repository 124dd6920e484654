package io.gmtls.enrollment.service;

import java.util.Optional;

/** The results of issued enrollments and renewals, keyed by VIN and the CSR's SM3 hash (a port). */
public interface EnrollmentRecords {

    /** Which operation issued a record. */
    enum Operation {
        ENROLL, RENEW
    }

    /** A stored result. */
    record Record(String vin, String csrSm3, Operation operation, String credential, String signSerial,
            String encSerial, byte[] envelopedKey) {
    }

    Optional<Record> find(String vin, String csrSm3);

    /**
     * Locks the vehicle for the caller's transaction, so that enrollments and renewals of one VIN run one
     * after the other, and returns its model, or empty when the VIN is not registered.
     */
    Optional<String> lockVehicle(String vin);

    /**
     * Inserts in the caller's transaction; a second record for the same VIN and CSR is refused with
     * {@link AlreadyStoredException} (the same request committed concurrently, on another node).
     */
    void insert(Record r);

    /** A record for this VIN and CSR exists already. */
    final class AlreadyStoredException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public AlreadyStoredException(String vin) {
            super("an enrollment record for VIN " + vin + " and this CSR exists");
        }
    }
}
