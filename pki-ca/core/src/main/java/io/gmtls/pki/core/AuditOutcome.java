package io.gmtls.pki.core;

/** How an audited operation ended. */
public enum AuditOutcome {
    SUCCESS,
    FAILED
}
