package io.gmtls.enrollment;

import io.gmtls.enrollment.ppv2.GatewayIdentities;
import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.enrollment.service.RateLimiter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * First on every request: attaches the caller's identity from the connection's PPv2 facts (the only
 * source of identity; no HTTP header is looked at) and applies the per-address and per-certificate
 * request limits. Refusals go to {@link ProblemExceptionHandler}.
 */
public final class GatewayRequestFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(GatewayRequestFilter.class);

    private final RateLimiter limiter;

    public GatewayRequestFilter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<GatewayIdentity> found = GatewayIdentities.of(exchange.getRequest());
        if (found.isEmpty()) {
            // The PPv2 handler closes every connection without a header, so this is a wiring fault.
            log.error("request without PPv2 facts on its connection: refused");
            return Mono.error(new EnrollmentProblem(ProblemType.NO_CREDENTIAL, "the request did not come through a gateway"));
        }
        GatewayIdentity identity = found.get();
        exchange.getAttributes().put(GatewayRequests.IDENTITY, identity);
        RateLimiter.Verdict verdict = limiter.address(identity.clientAddress());
        if (verdict.allowed() && identity.certificate().isPresent()) {
            GatewayIdentity.VerifiedCertificate c = identity.certificate().get();
            verdict = limiter.credential(c.serial().map(s -> "cert:" + s).orElse("cert-cn:" + c.commonName()));
        }
        if (!verdict.allowed()) {
            return Mono.error(EnrollmentProblem.rateLimited("too many requests", verdict));
        }
        return chain.filter(exchange);
    }
}
