package io.gmtls.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * "Logged once per period": a flood of one kind of event makes one line per period, the next line
 * saying how many were left out; other kinds have periods of their own.
 */
class RateLimitedLogTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);

    private final Logger logger = (Logger) LoggerFactory.getLogger(RateLimitedLogTest.class.getName() + ".refusals");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final RateLimitedLog log = new RateLimitedLog(logger, PERIOD, now::get);

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void aFloodMakesOneLinePerPeriodAndTheNextCountsWhatWasLeftOut() {
        for (int i = 0; i < 1000; i++) {
            log.warn("refused:mqtt:full_handshake_budget", "refused connection " + i);
            now.addAndGet(PERIOD.toNanos() / 2000);        // 1000 events over half a period
        }
        assertThat(messages()).containsExactly("refused connection 0");

        now.addAndGet(PERIOD.toNanos() / 2 - 1);           // just short of the period since the first line
        log.warn("refused:mqtt:full_handshake_budget", "refused connection 1000");
        assertThat(messages()).hasSize(1);

        now.addAndGet(1);
        log.warn("refused:mqtt:full_handshake_budget", "refused connection 1001");
        assertThat(messages()).containsExactly("refused connection 0",
                "refused connection 1001 (1000 more like this since the last report)");
    }

    @Test
    void eachKindHasItsOwnPeriod() {
        log.warn("refused:mqtt:full_handshake_budget", "budget");
        log.warn("refused:mqtt:max_connections", "connections");
        log.warn("refused:mqtt:full_handshake_budget", "budget again");
        assertThat(messages()).containsExactly("budget", "connections");
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
