package io.gmtls.enrollment.rest;

import io.gmtls.enrollment.GatewayRequests;
import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentOutcome;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.EnrollmentRequest;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.enrollment.service.RegistrationAuthority;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.crypto.CertificateRequests;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The REST enrollment protocol (ENROLL-API.md): {@code POST /api/v1/enroll} and {@code /api/v1/renew},
 * JSON in and out. The caller's identity is the gateway's PPv2 header, never an HTTP header; the CA
 * work runs on the bounded-elastic scheduler, off the event loop.
 */
@RestController
public class RestEnrollmentController {

    private final RegistrationAuthority ra;
    private final RestResponder responder;

    public RestEnrollmentController(RegistrationAuthority ra, RestResponder responder) {
        this.ra = ra;
        this.responder = responder;
    }

    @PostMapping(path = "/api/v1/enroll", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<EnrollResponseBody>> enroll(@RequestBody(required = false) Mono<EnrollRequestBody> body,
            ServerWebExchange exchange) {
        return handle(body, exchange, true, ra::enroll);
    }

    @PostMapping(path = "/api/v1/renew", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<EnrollResponseBody>> renew(@RequestBody(required = false) Mono<EnrollRequestBody> body,
            ServerWebExchange exchange) {
        return handle(body, exchange, false, ra::renew);
    }

    private Mono<ResponseEntity<EnrollResponseBody>> handle(Mono<EnrollRequestBody> body, ServerWebExchange exchange,
            boolean enroll, Function<EnrollmentRequest, EnrollmentOutcome> operation) {
        GatewayIdentity identity = GatewayRequests.identity(exchange);
        return body
                .switchIfEmpty(Mono.error(() -> new EnrollmentProblem(ProblemType.INVALID_REQUEST, "the request body is empty")))
                .map(b -> request(b, identity, enroll))
                .publishOn(Schedulers.boundedElastic())
                .map(operation)
                .map(responder::respond);
    }

    private static EnrollmentRequest request(EnrollRequestBody body, GatewayIdentity identity, boolean enroll) {
        if (body.vin() == null || body.vin().isBlank()) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST, "vin is missing");
        }
        if (body.csr() == null || body.csr().isBlank()) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST, "csr is missing");
        }
        if (!enroll && body.token() != null) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST,
                    "renewal takes no token: its credential is the vehicle's current signing certificate");
        }
        byte[] der;
        try {
            der = CertificateRequests.decode(body.csr());
        } catch (PkiException e) {
            throw new EnrollmentProblem(e.kind() == PkiException.Kind.TOO_LARGE ? ProblemType.TOO_LARGE
                    : ProblemType.INVALID_CSR, e.getMessage());
        }
        return new EnrollmentRequest(identity, body.vin().strip(), der, body.token(), "rest");
    }
}
