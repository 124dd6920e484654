package io.gmtls.enrollment.est;

import io.gmtls.enrollment.GatewayRequests;
import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentOutcome;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.EnrollmentRequest;
import io.gmtls.enrollment.service.ProblemType;
import io.gmtls.enrollment.service.RegistrationAuthority;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * EST (RFC 7030) on the same registration authority as the REST protocol. The credential is the same
 * PPv2 identity (per-model certificate to enroll, the vehicle's signing certificate to re-enroll);
 * the VIN is the CSR's CN.
 *
 * <ul>
 * <li>{@code GET /.well-known/est/cacerts}: issuing CA and root, certs-only.</li>
 * <li>{@code POST /.well-known/est/simpleenroll} / {@code simplereenroll}: base64 PKCS#10 in, the
 * signing certificate out (certs-only). The encryption pair is issued too, as for every enrollment;
 * its key reaches the vehicle through serverkeygen with the same CSR (a retry returns the stored
 * result, nothing is issued twice).</li>
 * <li>{@code POST /.well-known/est/serverkeygen}: enrollment (or, with a vehicle certificate, renewal)
 * answered multipart/mixed: the server-generated encryption key pair sealed to the CSR's key as an
 * SM2EnvelopedKey, and the encryption + signing certificates.</li>
 * </ul>
 */
@RestController
public class EstController {

    private static final String PKCS10 = "application/pkcs10";

    private final RegistrationAuthority ra;
    private final EstResponder responder;

    public EstController(RegistrationAuthority ra, EstResponder responder) {
        this.ra = ra;
        this.responder = responder;
    }

    @GetMapping("/.well-known/est/cacerts")
    public Mono<ResponseEntity<byte[]>> caCertificates() {
        return Mono.fromCallable(ra::caCertificates).subscribeOn(Schedulers.boundedElastic())
                .map(responder::caCertificates);
    }

    @PostMapping(path = "/.well-known/est/simpleenroll", consumes = PKCS10)
    public Mono<ResponseEntity<byte[]>> simpleEnroll(@RequestBody(required = false) Mono<String> body,
            ServerWebExchange exchange) {
        return handle(body, exchange, ra::enroll).map(responder::issued);
    }

    @PostMapping(path = "/.well-known/est/simplereenroll", consumes = PKCS10)
    public Mono<ResponseEntity<byte[]>> simpleReenroll(@RequestBody(required = false) Mono<String> body,
            ServerWebExchange exchange) {
        return handle(body, exchange, ra::renew).map(responder::issued);
    }

    @PostMapping(path = "/.well-known/est/serverkeygen", consumes = PKCS10)
    public Mono<ResponseEntity<byte[]>> serverKeyGen(@RequestBody(required = false) Mono<String> body,
            ServerWebExchange exchange) {
        return handle(body, exchange, ra::enrollOrRenew).map(responder::serverKeyGen);
    }

    private static Mono<EnrollmentOutcome> handle(Mono<String> body, ServerWebExchange exchange,
            Function<EnrollmentRequest, EnrollmentOutcome> operation) {
        GatewayIdentity identity = GatewayRequests.identity(exchange);
        return body
                .switchIfEmpty(Mono.error(() -> new EnrollmentProblem(ProblemType.INVALID_REQUEST,
                        "the request body is empty: expected base64 PKCS#10")))
                .map(text -> new EnrollmentRequest(identity, null, EstRequests.pkcs10(text), null, "est"))
                .publishOn(Schedulers.boundedElastic())
                .map(operation);
    }
}
