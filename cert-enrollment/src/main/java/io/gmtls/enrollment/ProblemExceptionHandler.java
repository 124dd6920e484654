package io.gmtls.enrollment;

import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every refusal and failure of both protocols as RFC 9457 problem JSON ({@code type} =
 * {@code urn:gmtls:enrollment:<slug>}, {@code title}, {@code status}, {@code detail}); never a stack
 * trace or an internal message. Refusals the registration authority did not already record (malformed
 * HTTP, unknown paths, rate limits: no credential was checked yet) are counted here for the audit log's
 * per-prefix summary rows ({@link EnrollmentAudit#refusedUnauthenticated}).
 */
public final class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EnrollmentAudit audit;

    public ProblemExceptionHandler(EnrollmentAudit audit) {
        this.audit = audit;
    }

    @Override
    public int getOrder() {
        // Ahead of Spring Boot's default error handler (-1).
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        EnrollmentProblem problem = toProblem(error);
        if (!problem.recorded()) {
            // Refused before any credential was checked: counted per source prefix, not a row each.
            problem.markRecorded();
            GatewayIdentity identity = GatewayRequests.identityOrNull(exchange);
            String path = printable(exchange.getRequest().getPath().value());
            audit.refusedUnauthenticated(action(path), problem, identity,
                    path.startsWith("/.well-known/est") ? "est" : "rest");
        }
        return write(response, problem);
    }

    private static Mono<Void> write(ServerHttpResponse response, EnrollmentProblem problem) {
        ProblemType type = problem.type();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri().toString());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", problem.detail());
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatusCode(HttpStatus.valueOf(type.status()));
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        headers.setCacheControl("no-store");
        if (type == ProblemType.RATE_LIMITED && problem.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
        }
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /** Maps whatever failed into a refusal with a client-safe detail. */
    static EnrollmentProblem toProblem(Throwable error) {
        if (error instanceof EnrollmentProblem problem) {
            return problem;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DataBufferLimitException) {
                return new EnrollmentProblem(ProblemType.TOO_LARGE, "the request body is too large");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (error instanceof ResponseStatusException status) {
            int code = status.getStatusCode().value();
            return switch (code) {
                case 404 -> new EnrollmentProblem(ProblemType.NOT_FOUND, "no such resource");
                case 405 -> new EnrollmentProblem(ProblemType.METHOD_NOT_ALLOWED, "method not allowed here");
                case 413 -> new EnrollmentProblem(ProblemType.TOO_LARGE, "the request body is too large");
                case 415 -> new EnrollmentProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported content type" + (status.getReason() == null ? "" : ": " + printable(status.getReason())));
                default -> code >= 400 && code < 500
                        ? new EnrollmentProblem(ProblemType.INVALID_REQUEST, "malformed request"
                                + (status.getReason() == null ? "" : ": " + printable(status.getReason())))
                        : internal(error);
            };
        }
        return internal(error);
    }

    private static EnrollmentProblem internal(Throwable error) {
        log.error("request failed unexpectedly", error);
        return new EnrollmentProblem(ProblemType.INTERNAL, "internal error");
    }

    private static String action(String path) {
        if (path.equals("/api/v1/enroll")) {
            return "enrollment.enroll";
        }
        if (path.equals("/api/v1/renew")) {
            return "enrollment.renew";
        }
        if (path.startsWith("/.well-known/est/")) {
            return "enrollment.est";
        }
        return "enrollment.request";
    }

    /** At most 120 printable ASCII characters of something a client sent. */
    static String printable(String s) {
        String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
