package io.gmtls.enrollment.service;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes enrollment outcomes into pki-ca's SM3-chained audit log. Successes are appended inside the
 * issuing transaction; refusals in a transaction of their own, after the request's work rolled back.
 * Details name the credential, the client address and the gateway connection, never a token or a key.
 */
public final class EnrollmentAudit {

    /** Role of every actor this service records. */
    public static final String ROLE = "enrollment";

    private static final Logger log = LoggerFactory.getLogger(EnrollmentAudit.class);

    private final AuditLog audit;
    private final Transactions transactions;

    public EnrollmentAudit(AuditLog audit, Transactions transactions) {
        this.audit = audit;
        this.transactions = transactions;
    }

    /** The actor for a credential description such as {@code model-cert:GMTDEV01/1a2b} or {@code token:VIN}. */
    public static Actor actor(String credential) {
        return new Actor(credential, ROLE);
    }

    /** The actor for a caller whose credential is not (yet) known: its certificate as the gateway named it. */
    public static Actor actor(GatewayIdentity identity) {
        if (identity == null) {
            return actor("anonymous");
        }
        return actor(identity.certificate().map(c -> "cert:" + shorten(c.commonName())
                + c.serial().map(s -> "/" + s).orElse("")).orElse("anonymous"));
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** Appends a success in the caller's transaction. */
    public void success(Actor actor, String action, String target, String detail) {
        audit.append(AuditEvent.success(actor, action, target, detail));
    }

    /** Records a refusal in its own transaction; a failure to record is logged, not thrown. */
    public void refused(Actor actor, String action, String target, EnrollmentProblem problem, GatewayIdentity identity,
            String protocol) {
        String detail = problem.type().slug() + ": " + problem.detail() + " "
                + (identity == null ? "" : identity.describe() + " ") + "protocol=" + protocol;
        try {
            transactions.inTransaction(() -> {
                audit.append(AuditEvent.failed(actor, action, target == null ? "" : target, detail));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("could not audit refused {} of {}: {}", action, target, e.getClass().getSimpleName());
        }
    }
}
