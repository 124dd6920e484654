package io.gmtls.brokeradapter.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.gmtls.brokeradapter.config.CaSettings;
import io.gmtls.brokeradapter.testing.FakeCa;
import io.gmtls.brokeradapter.testing.FakeCa.Answer;

/** The HTTP client against a real (in-test) HTTP server. */
class HttpCaAuthenticatorTest {

    private static final AuthnRequest REQUEST =
            new AuthnRequest("LGMDEV00000000001", "u", "pw", "10.1.2.3", "LGMDEV00000000001", "", Optional.of("ab"));

    /**
     * Asks with a timeout that an answer arrives within even on a loaded machine (the first request
     * of a new HTTP client, in a fresh JVM, can take longer than a second there).
     */
    private static AuthnDecision ask(FakeCa ca) throws Exception {
        return ask(ca, Duration.ofSeconds(10));
    }

    private static AuthnDecision ask(FakeCa ca, Duration timeout) throws Exception {
        CaSettings settings = new CaSettings(ca.authnUrl(), timeout, 1024, 8, Optional.of("k-123"));
        return new HttpCaAuthenticator(settings).authenticate(REQUEST).toCompletableFuture().get();
    }

    @Test
    void postsJsonAndReadsTheAnswer() throws Exception {
        try (FakeCa ca = FakeCa.start(body -> Answer.allow())) {
            assertThat(ask(ca)).isInstanceOf(AuthnDecision.Allow.class);
            assertThat(ca.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.contentType()).isEqualTo("application/json");
                assertThat(r.apiKey()).isEqualTo("k-123");
                assertThat(FakeCa.fields(r)).containsEntry("peerhost", "10.1.2.3").containsEntry("cert_serial", "ab");
            });
        }
    }

    @Test
    void oversizeSlowAndFailingAnswersAreUnavailable() throws Exception {
        try (FakeCa ca = FakeCa.start(body -> Answer.json("{\"result\":\"allow\",\"pad\":\"" + "x".repeat(4096) + "\"}"))) {
            AuthnDecision d = ask(ca);
            assertThat(d).isInstanceOf(AuthnDecision.Unavailable.class);
            assertThat(d.reason()).isEqualTo("CA answer too long");
            ca.policy(body -> Answer.hang());
            // No answer ever comes: a short timeout keeps the test quick.
            assertThat(ask(ca, Duration.ofMillis(800)).reason()).isEqualTo("CA timed out");
            ca.policy(body -> Answer.status(502));
            assertThat(ask(ca).reason()).isEqualTo("CA answered HTTP 502");
        }
    }
}
