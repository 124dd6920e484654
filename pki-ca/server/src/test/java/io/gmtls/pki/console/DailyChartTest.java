package io.gmtls.pki.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.FleetReport.DayCount;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DailyChartTest {

    @Test
    void theScaleIsARoundNumberAtOrAboveTheLargestValue() {
        assertThat(DailyChart.niceCeiling(1)).isEqualTo(4);
        assertThat(DailyChart.niceCeiling(5)).isEqualTo(8);
        assertThat(DailyChart.niceCeiling(9)).isEqualTo(20);
        assertThat(DailyChart.niceCeiling(20)).isEqualTo(20);
        assertThat(DailyChart.niceCeiling(21)).isEqualTo(40);
        assertThat(DailyChart.niceCeiling(1_234)).isEqualTo(2_000);
    }

    @Test
    void oneBarPerSeriesAndDayWithItsValueAndLabelsEscaped() {
        LocalDate d = LocalDate.of(2026, 12, 1);
        String svg = DailyChart.svg(List.of(new DayCount(d, 20, 0), new DayCount(d.plusDays(1), 10, 5)),
                "Issued <x>", "Revoked & more", "title\"");
        assertThat(svg).startsWith("<svg ").endsWith("</svg>");
        assertThat(svg.split("class=\"issued\">", -1)).hasSize(3);
        assertThat(svg.split("class=\"revoked\">", -1)).hasSize(3);
        assertThat(svg).contains("<title>2026-12-01 Issued &lt;x&gt;: 20</title>")
                .contains("<title>2026-12-02 Revoked &amp; more: 5</title>").contains("aria-label=\"title&quot;\"")
                .doesNotContain("<x>");
        // The tallest bar fills the plot (20 of a 20 scale): 186 = 240 - 30 (axis) - 24 (legend).
        assertThat(svg).contains("height=\"186.0\" class=\"issued\"");
    }
}
