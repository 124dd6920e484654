package io.gmtls.pki.authn;

import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/broker/authn} and {@code /authz} in EMQX 5's HTTP authenticator/authorizer
 * format. Always 200 with a result for a decision; 5xx problem JSON only when the CA itself cannot
 * decide (database down: fail closed, EMQX moves on to the next authenticator).
 */
@RestController
@RequestMapping("/api/v1/broker")
public class BrokerAuthController {

    private static final byte[] AUTHZ_ALLOW = "{\"result\":\"allow\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTHZ_DENY = "{\"result\":\"deny\"}".getBytes(StandardCharsets.US_ASCII);
    private static final Logger log = LoggerFactory.getLogger(BrokerAuthController.class);
    private static final byte[] PONG = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final BrokerAuthenticator authenticator;
    private final BrokerAuthConfiguration.Caches caches;
    private final Counter allowed;
    private final Counter denied;
    private final Counter cacheHits;

    public BrokerAuthController(BrokerAuthenticator authenticator, BrokerAuthConfiguration.Caches caches,
            MeterRegistry meters) {
        this.authenticator = authenticator;
        this.caches = caches;
        this.allowed = meters.counter("gmtls.broker.authn", "result", "allow");
        this.denied = meters.counter("gmtls.broker.authn", "result", "deny");
        this.cacheHits = meters.counter("gmtls.broker.authn.cache.hits");
    }

    @PostMapping(value = "/authn", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allowed({ApiRole.BROKER})
    public ResponseEntity<byte[]> authn(@RequestBody AuthnRequest request, jakarta.servlet.http.HttpServletRequest http) {
        BrokerAuthenticator.Key key = BrokerAuthenticator.keyOf(request);
        AuthnDecision cached = caches.authn.peek(key);
        AuthnDecision decision;
        if (cached != null) {
            cacheHits.increment();
            decision = cached;
        } else {
            decision = caches.authn.get(key, () -> authenticator.authenticate(key));
        }
        (decision.result() == AuthnResult.ALLOW ? allowed : denied).increment();
        if (decision.result() != AuthnResult.ALLOW) {
            // One line per refused CONNECT the CA decides (the fast path answers repeats from its cache);
            // connection_id, from the gate's X-Connection-Id, is in the MDC (ConnectionIdFilter).
            log.info("broker authn deny clientid={}", printable(request.clientid()));
        }
        if (http.getAttribute(AuthnFastPathFilter.BODY_KEY) instanceof AuthnFastPathFilter.BodyKey bodyKey
                && http.getAttribute(AuthnFastPathFilter.GENERATION) instanceof Long generation) {
            caches.bodies.putIfUnchanged(bodyKey, decision, generation);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(decision.body());
    }

    @PostMapping(value = "/authz", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allowed({ApiRole.BROKER})
    public ResponseEntity<byte[]> authz(@RequestBody AuthzRequest request) {
        AuthnResult result = caches.authz.get(request, () -> authenticator.authorize(request));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(result == AuthnResult.ALLOW ? AUTHZ_ALLOW : AUTHZ_DENY);
    }

    /** A trivial endpoint on the same path and filters: the benchmark's baseline. */
    @GetMapping("/ping")
    public ResponseEntity<byte[]> ping() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(PONG);
    }

    /** A client-supplied value for a log line: at most 64 characters, control characters as '?'. */
    static String printable(String value) {
        if (value == null) {
            return "-";
        }
        String capped = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        StringBuilder b = new StringBuilder(capped.length());
        capped.chars().forEach(c -> b.append(c < ' ' || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }
}
