package io.gmtls.brokeradapter.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthnResponseParserTest {

    private static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
    private static final Optional<String> JSON = Optional.of("application/json; charset=utf-8");

    private static AuthnDecision parse(String body) {
        return AuthnResponseParser.parse(200, JSON, body.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void allowWithAclSuperuserAndExpiry() {
        long expire = NOW.getEpochSecond() + 3600;
        AuthnDecision d = parse("""
                {"result":"allow","is_superuser":false,"expire_at":%d,
                 "acl":[{"permission":"allow","action":"publish","topic":"vehicle/V1/#","qos":[0,1]},
                        {"permission":"deny","action":"all","topics":["#","$SYS/#"],"retain":"all"}]}
                """.formatted(expire));
        assertThat(d).isInstanceOf(AuthnDecision.Allow.class);
        AuthnDecision.Allow allow = (AuthnDecision.Allow) d;
        assertThat(allow.superuser()).isFalse();
        assertThat(allow.expireAt()).contains(Instant.ofEpochSecond(expire));
        assertThat(allow.acl().orElseThrow().rules()).hasSize(3);
        assertThat(allow.acl().get().permitsPublish("vehicle/V1/status", 1, false)).isTrue();
        assertThat(allow.acl().get().permitsPublish("vehicle/V1/status", 2, false)).isFalse();
        assertThat(((AuthnDecision.Allow) parse("{\"result\":\"allow\",\"is_superuser\":\"true\"}")).superuser()).isTrue();
        assertThat(((AuthnDecision.Allow) parse("{\"result\":\"allow\"}")).acl()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"result\":\"deny\"}",
            "{\"result\":\"ignore\"}",
            "{}",
            "{\"result\":\"maybe\"}",
            "{\"result\":true}",
            "{\"result\":\"allow\",\"is_superuser\":\"yes\"}",
            "{\"result\":\"allow\",\"expire_at\":1}",
            "{\"result\":\"allow\",\"expire_at\":\"soon\"}",
            "{\"result\":\"allow\",\"expire_at\":1777593600000}",
            "{\"result\":\"allow\",\"acl\":{}}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"read\",\"topic\":\"#\"}]}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"a/#/b\"}]}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"v/${clientid}/#\"}]}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"all\"}]}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"#\",\"qos\":3}]}",
            "{\"result\":\"allow\",\"acl\":[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"#\",\"who\":\"x\"}]}",
    })
    void denials(String body) {
        assertThat(parse(body)).isInstanceOf(AuthnDecision.Deny.class);
    }

    @Test
    void answersOutsideTheContractMeanTheCaIsUnavailable() {
        byte[] allow = "{\"result\":\"allow\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(AuthnResponseParser.parse(500, JSON, allow, NOW)).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(AuthnResponseParser.parse(204, JSON, new byte[0], NOW)).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(AuthnResponseParser.parse(403, JSON, allow, NOW)).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(AuthnResponseParser.parse(200, Optional.of("text/plain"), allow, NOW))
                .isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(AuthnResponseParser.parse(200, Optional.empty(), allow, NOW)).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(parse("not json")).isInstanceOf(AuthnDecision.Unavailable.class);
        assertThat(parse("[\"allow\"]")).isInstanceOf(AuthnDecision.Unavailable.class);
        // Two "result" keys: not read as whichever comes last.
        assertThat(parse("{\"result\":\"deny\",\"result\":\"allow\"}")).isInstanceOf(AuthnDecision.Unavailable.class);
    }
}
