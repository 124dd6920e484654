package io.gmtls.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalCountsTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void sourcesAreGroupedByTheirIpv4Slash24AndIpv6Slash56() throws Exception {
        assertThat(RefusalCounts.prefixOf(ip("192.0.2.77"))).isEqualTo("192.0.2.0/24");
        assertThat(RefusalCounts.prefixOf(ip("::ffff:192.0.2.77"))).isEqualTo("192.0.2.0/24");
        assertThat(RefusalCounts.prefixOf(ip("2001:db8:1:2345:6789::1"))).isEqualTo("2001:db8:1:2300::/56");
        assertThat(RefusalCounts.prefixOf(ip("2001:db8::1"))).isEqualTo("2001:db8::/56");
        assertThat(RefusalCounts.prefixOf(ip("::1"))).isEqualTo("::/56");
        assertThat(RefusalCounts.prefixOf(null)).isEqualTo("unknown");
    }

    @Test
    void groupsAreBoundedAndRefusalsBeyondTheBoundAreStillCounted() throws Exception {
        RefusalCounts counts = new RefusalCounts(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), 3);
        for (int i = 0; i < 10; i++) {
            for (int host = 1; host <= 5; host++) {
                counts.count(ip("10.0." + i + "." + host), "enrollment.enroll", "no-credential", "rest");
            }
        }
        List<RefusalCounts.Tally> tallies = counts.drain();
        assertThat(tallies).hasSize(4);
        assertThat(tallies.subList(0, 3)).allSatisfy(t -> assertThat(t.count()).isEqualTo(5));
        assertThat(tallies.get(3).group().prefix()).isEqualTo(RefusalCounts.OTHER);
        assertThat(tallies.get(3).count()).isEqualTo(35);
        assertThat(counts.drain()).isEmpty();
    }
}
