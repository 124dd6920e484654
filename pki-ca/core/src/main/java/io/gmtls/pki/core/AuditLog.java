package io.gmtls.pki.core;

/** The append-only audit log (a port). */
public interface AuditLog {

    /**
     * Appends an event in the caller's transaction, extending the hash chain. A store may write it
     * when the transaction commits (as its last statement, so that the chain's single lock is always
     * taken last); a rollback discards it either way.
     */
    void append(AuditEvent event);

    /** Walks the whole chain. */
    AuditChain.Verification verify();
}
