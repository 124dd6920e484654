package io.gmtls.enrollment.service;

import java.net.URI;

/**
 * Every way an enrollment request can be refused, with its HTTP status and the RFC 9457 problem
 * {@code type} ({@code urn:gmtls:enrollment:<slug>}) clients can switch on. The list is part of the
 * REST contract ({@code ENROLL-API.md}).
 */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    INVALID_CSR(400, "invalid-csr", "Invalid certificate request"),
    PROOF_OF_POSSESSION_FAILED(400, "proof-of-possession-failed", "Proof of possession failed"),
    CSR_SUBJECT_MISMATCH(400, "csr-subject-mismatch", "CSR subject does not match the VIN"),
    UNSUPPORTED_KEY(400, "unsupported-key", "Unsupported key"),
    KEY_REUSED(400, "key-reused", "Renewal must use a new key"),
    NO_CREDENTIAL(403, "no-credential", "No credential"),
    UNKNOWN_CERTIFICATE(403, "unknown-certificate", "Certificate unknown to the CA"),
    CERTIFICATE_REVOKED(403, "certificate-revoked", "Certificate revoked"),
    CERTIFICATE_EXPIRED(403, "certificate-expired", "Certificate expired"),
    CERTIFICATE_SUPERSEDED(403, "certificate-superseded", "Certificate already renewed"),
    WRONG_CREDENTIAL(403, "wrong-credential", "Credential not accepted for this request"),
    UNKNOWN_MODEL(403, "unknown-model", "Unknown vehicle model"),
    VIN_NOT_REGISTERED(403, "vin-not-registered", "VIN not registered to the model"),
    ENROLLMENT_DISABLED(403, "enrollment-disabled", "Enrollment disabled for the model"),
    VIN_BLOCKED(403, "vin-blocked", "VIN blocked by an operator"),
    OPERATOR_ACTION_REQUIRED(403, "operator-action-required",
            "Re-enrollment of a revoked VIN needs a one-time token or an operator unblock"),
    TOKEN_INVALID(403, "token-invalid", "Enrollment token invalid"),
    TOKEN_USED(403, "token-used", "Enrollment token already used"),
    TOKEN_EXPIRED(403, "token-expired", "Enrollment token expired"),
    TOKEN_WRONG_VIN(403, "token-wrong-vin", "Enrollment token is for another VIN"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    ALREADY_ENROLLED(409, "already-enrolled", "VIN already enrolled"),
    TOO_LARGE(413, "too-large", "Request too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    INTERNAL(500, "internal", "Internal error"),
    UNAVAILABLE(503, "unavailable", "Service unavailable");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** The problem {@code type} URI. */
    public URI uri() {
        return URI.create("urn:gmtls:enrollment:" + slug);
    }
}
