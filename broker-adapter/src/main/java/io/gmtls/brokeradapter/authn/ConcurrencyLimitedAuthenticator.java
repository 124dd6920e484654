package io.gmtls.brokeradapter.authn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the requests in flight to the CA. Past the cap a client is answered "server busy" at once:
 * under a connection storm a slow CA must not collect an unbounded queue of waiting handshakes.
 */
public final class ConcurrencyLimitedAuthenticator implements BrokerAuthenticator {

    private final BrokerAuthenticator delegate;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Wraps {@code delegate} with a cap of {@code maxInFlight} concurrent requests. */
    public ConcurrencyLimitedAuthenticator(BrokerAuthenticator delegate, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.delegate = delegate;
        this.maxInFlight = maxInFlight;
    }

    /** Requests in flight now (for the metrics gauge). */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public CompletionStage<AuthnDecision> authenticate(AuthnRequest request) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(
                    new AuthnDecision.Unavailable("too many CA requests in flight", true));
        }
        CompletionStage<AuthnDecision> stage;
        try {
            stage = delegate.authenticate(request);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(new AuthnDecision.Unavailable("CA request failed", false));
        }
        return stage.handle((decision, error) -> {
            inFlight.decrementAndGet();
            return error != null || decision == null
                    ? new AuthnDecision.Unavailable("CA request failed", false) : decision;
        });
    }
}
