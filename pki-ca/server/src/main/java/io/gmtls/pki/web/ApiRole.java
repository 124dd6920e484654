package io.gmtls.pki.web;

/** Roles of API keys. */
public enum ApiRole {
    /** Everything. */
    ADMIN,
    /** Issue, revoke, register models and vehicles, read. */
    OPERATOR,
    /** Read certificates and the audit log, verify the audit chain. */
    AUDITOR,
    /** Call the broker auth endpoints. */
    BROKER,
    /** Read the revocation feed (TLS gateways), nothing else. */
    GATEWAY
}
