package io.gmtls.pki.core;

/** The append-only audit log (a port). */
public interface AuditLog {

    /** Appends an event in the caller's transaction, extending the hash chain. */
    void append(AuditEvent event);

    /** Walks the whole chain. */
    AuditChain.Verification verify();
}
