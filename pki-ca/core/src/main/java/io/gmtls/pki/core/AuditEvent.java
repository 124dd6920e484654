package io.gmtls.pki.core;

/**
 * One thing that happened: who did what to which object, and how it ended. The detail never holds a
 * secret or a private key.
 */
public record AuditEvent(Actor actor, String action, String target, AuditOutcome outcome, String detail) {

    public AuditEvent {
        detail = detail == null ? "" : (detail.length() > 1000 ? detail.substring(0, 1000) : detail);
        target = target == null ? "" : target;
    }

    public static AuditEvent success(Actor actor, String action, String target, String detail) {
        return new AuditEvent(actor, action, target, AuditOutcome.SUCCESS, detail);
    }

    public static AuditEvent failed(Actor actor, String action, String target, String detail) {
        return new AuditEvent(actor, action, target, AuditOutcome.FAILED, detail);
    }
}
