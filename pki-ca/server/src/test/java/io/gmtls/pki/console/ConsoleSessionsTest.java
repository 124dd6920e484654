package io.gmtls.pki.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.web.ApiKeys;
import io.gmtls.pki.web.ApiRole;
import io.gmtls.testsupport.MovableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(15), clock, new SecureRandom());
    private final ApiKeys.Caller ops = new ApiKeys.Caller("ops", ApiRole.OPERATOR);

    @Test
    void aSessionEndsAfterTheIdleTimeoutAndActivityKeepsItAlive() {
        ConsoleSessions.Session s = sessions.open(ops);
        clock.advance(Duration.ofMinutes(14));
        assertThat(sessions.touch(s.id())).containsSame(s);
        clock.advance(Duration.ofMinutes(14));
        assertThat(sessions.touch(s.id())).as("14 min after the last request").containsSame(s);
        clock.advance(Duration.ofMinutes(15));
        assertThat(sessions.touch(s.id())).as("15 min idle").isEmpty();
        clock.advance(Duration.ofSeconds(-60));
        assertThat(sessions.touch(s.id())).as("removed, not only refused").isEmpty();
    }

    @Test
    void signOutEndsTheSession() {
        ConsoleSessions.Session s = sessions.open(ops);
        sessions.close(s.id());
        assertThat(sessions.touch(s.id())).isEmpty();
    }

    @Test
    void idsAndTokensAreRandomAndTheTokenIsCompared() {
        ConsoleSessions.Session a = sessions.open(ops);
        ConsoleSessions.Session b = sessions.open(ops);
        assertThat(a.id()).hasSize(43).isNotEqualTo(b.id()).isNotEqualTo(a.csrfToken());
        assertThat(a.csrfMatches(a.csrfToken())).isTrue();
        assertThat(a.csrfMatches(b.csrfToken())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.csrfMatches("")).isFalse();
        assertThat(sessions.touch(null)).isEmpty();
        assertThat(sessions.touch("short")).isEmpty();
        assertThat(sessions.touch(a.csrfToken())).as("a CSRF token is not a session id").isEmpty();
    }
}
