package io.gmtls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryUnitOfTheGatewayAndTheGate() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse(" 2 M ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("P1DT2H")).isEqualTo(Duration.ofHours(26));
    }

    @Test
    void refusesWhatIsNotADurationNegativeOnesAndHugeOnes() {
        for (String bad : new String[] {"soon", "", "1w", "1.5s", "-1s", "PT", "P", "1 000s", "1234567890s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected a duration like 500ms, 10s, 5m, 1h, 1d or PT3S");
        }
        assertThatThrownBy(() -> Durations.parse("PT-3S")).hasMessage("must not be negative");
        assertThatThrownBy(() -> Durations.parse("3651d")).hasMessage("must be at most 3650d");
        assertThatThrownBy(() -> Durations.parse("P99999999D")).hasMessage("must be at most 3650d");
        assertThat(Durations.parse("3650d")).isEqualTo(Durations.MAX);
    }

    @Test
    void formatsInTheLargestWholeUnit() {
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
