package io.gmtls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SizesAndRangesTest {

    @Test
    void sizesInBytesAndBinaryUnits() {
        assertThat(Sizes.parse("16384")).isEqualTo(16384);
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("64KiB")).isEqualTo(64 * 1024);
        assertThat(Sizes.parse("1 mib")).isEqualTo(1024 * 1024);
        assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
        for (String bad : new String[] {"1KB", "1k", "-1", "1.5MiB", "", "12345678901"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).hasMessage("expected a size like 16384, 64KiB or 1MiB");
        }
    }

    @Test
    void rangesNameWhatIsOutOfRange() {
        assertThat(Ranges.check("x", 5, 1, 10)).isEqualTo(5);
        assertThatThrownBy(() -> Ranges.check("max connections", 0, 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("max connections must be between 1 and 10, was 0");
        assertThat(Ranges.positive("t", Duration.ofSeconds(1), Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> Ranges.positive("CA timeout", Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessage("CA timeout must be over 0 and at most 1m, was 0s");
        assertThatThrownBy(() -> Ranges.check("poll", Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofHours(1)))
                .hasMessage("poll must be between 50ms and 1h, was 5ms");
    }
}
