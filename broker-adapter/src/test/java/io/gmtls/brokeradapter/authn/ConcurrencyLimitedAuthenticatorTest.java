package io.gmtls.brokeradapter.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class ConcurrencyLimitedAuthenticatorTest {

    private static final AuthnRequest REQUEST = new AuthnRequest("c", "", "", "10.0.0.1", "c", "", Optional.empty());

    @Test
    void requestsOverTheCapAreAnsweredBusyAtOnceAndTheCapFreesUp() throws Exception {
        CompletableFuture<AuthnDecision> pending = new CompletableFuture<>();
        ConcurrencyLimitedAuthenticator limited = new ConcurrencyLimitedAuthenticator(r -> pending, 1);
        CompletableFuture<AuthnDecision> first = limited.authenticate(REQUEST).toCompletableFuture();
        AuthnDecision second = limited.authenticate(REQUEST).toCompletableFuture().getNow(null);
        assertThat(second).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(((AuthnDecision.Unavailable) second).busy()).isTrue();
        assertThat(limited.inFlight()).isEqualTo(1);
        pending.complete(new AuthnDecision.Deny("no"));
        assertThat(first.get()).isInstanceOf(AuthnDecision.Deny.class);
        assertThat(limited.inFlight()).isZero();
    }

    @Test
    void aFailingDelegateBecomesUnavailableNotAnException() throws Exception {
        ConcurrencyLimitedAuthenticator throwing = new ConcurrencyLimitedAuthenticator(r -> {
            throw new IllegalStateException("boom");
        }, 4);
        assertThat(throwing.authenticate(REQUEST).toCompletableFuture().get()).isInstanceOf(AuthnDecision.Unavailable.class);
        ConcurrencyLimitedAuthenticator failing = new ConcurrencyLimitedAuthenticator(
                r -> CompletableFuture.failedFuture(new IllegalStateException("boom")), 4);
        assertThat(failing.authenticate(REQUEST).toCompletableFuture().get()).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(failing.inFlight()).isZero();
    }
}
