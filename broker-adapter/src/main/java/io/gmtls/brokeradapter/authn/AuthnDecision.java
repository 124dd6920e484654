package io.gmtls.brokeradapter.authn;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.gmtls.brokeradapter.acl.Acl;

/** The outcome of asking the CA about a client. */
public sealed interface AuthnDecision permits AuthnDecision.Allow, AuthnDecision.Deny, AuthnDecision.Unavailable {

    /** A short reason for the connection log (never a secret). */
    String reason();

    /**
     * The CA allowed the client.
     *
     * @param superuser {@code is_superuser}: the client's operations are not checked against an ACL
     * @param acl       the {@code acl} of the answer, absent when it had none
     * @param expireAt  {@code expire_at}: when the connection must be closed, if the CA set it
     */
    record Allow(boolean superuser, Optional<Acl> acl, Optional<Instant> expireAt) implements AuthnDecision {
        /** Checks presence. */
        public Allow {
            Objects.requireNonNull(acl, "acl");
            Objects.requireNonNull(expireAt, "expireAt");
        }

        @Override
        public String reason() {
            return superuser ? "allowed (superuser)" : "allowed";
        }
    }

    /**
     * The client is refused: the CA said deny or ignore, the answer was unusable for this client
     * (e.g. a malformed ACL), or the gate refused it without asking.
     *
     * @param reason why, for the log
     */
    record Deny(String reason) implements AuthnDecision {
        /** Checks presence. */
        public Deny {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The CA could not answer: unreachable, timed out, 5xx, an answer that is not the contract's,
     * or too many requests in flight ({@code busy}).
     *
     * @param reason why, for the log
     * @param busy   {@code true} when the gate did not even ask (its own concurrency limit)
     */
    record Unavailable(String reason, boolean busy) implements AuthnDecision {
        /** Checks presence. */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
