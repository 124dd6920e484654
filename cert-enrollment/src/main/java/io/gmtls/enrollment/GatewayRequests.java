package io.gmtls.enrollment;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import org.springframework.web.server.ServerWebExchange;

/** The caller's {@link GatewayIdentity}, put on each exchange by {@link GatewayRequestFilter}. */
public final class GatewayRequests {

    /** Exchange attribute holding the identity. */
    public static final String IDENTITY = GatewayRequests.class.getName() + ".identity";

    private GatewayRequests() {
    }

    /** The identity of the request; a refusal if there is none (the filter makes that impossible). */
    public static GatewayIdentity identity(ServerWebExchange exchange) {
        Object identity = exchange.getAttribute(IDENTITY);
        if (identity instanceof GatewayIdentity id) {
            return id;
        }
        throw new EnrollmentProblem(ProblemType.NO_CREDENTIAL, "the request did not come through a gateway");
    }

    /** The identity if the filter set one. */
    public static GatewayIdentity identityOrNull(ServerWebExchange exchange) {
        Object identity = exchange.getAttribute(IDENTITY);
        return identity instanceof GatewayIdentity id ? id : null;
    }
}
