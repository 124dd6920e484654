package io.gmtls.pki.core;

/** Stored status of a certificate; expiry is computed from notAfter, not stored. */
public enum CertificateStatus {
    VALID,
    REVOKED
}
