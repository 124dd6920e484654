package io.gmtls.brokeradapter.authn;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may connect. Implementations never block the caller and never complete
 * exceptionally: every failure is an {@link AuthnDecision.Unavailable}.
 */
@FunctionalInterface
public interface BrokerAuthenticator {

    /** Starts the decision for one client. */
    CompletionStage<AuthnDecision> authenticate(AuthnRequest request);
}
