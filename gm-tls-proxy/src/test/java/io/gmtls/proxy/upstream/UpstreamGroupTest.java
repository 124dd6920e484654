package io.gmtls.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxyprotocol.HeaderOptions;

class UpstreamGroupTest {

    static UpstreamGroupConfig config(UpstreamGroupConfig.Balance balance, int servers) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            addresses.add(new InetSocketAddress("127.0.0.1", 2000 + i));
        }
        return new UpstreamGroupConfig("g", balance, addresses, Duration.ofSeconds(1),
                new UpstreamGroupConfig.HealthCheckConfig(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2),
                new UpstreamGroupConfig.ProxyProtocolConfig(true, HeaderOptions.defaults()));
    }

    @Test
    void roundRobinSkipsUnhealthyAndTriedServers() {
        UpstreamGroup group = new UpstreamGroup(config(UpstreamGroupConfig.Balance.ROUND_ROBIN, 3), Map.of());
        List<Upstream> s = group.servers();
        assertThat(List.of(group.pick(List.of()), group.pick(List.of()), group.pick(List.of())))
                .containsExactlyInAnyOrderElementsOf(s);
        s.get(1).record(false, 2, 2);
        s.get(1).record(false, 2, 2);
        assertThat(s.get(1).healthy()).isFalse();
        for (int i = 0; i < 6; i++) {
            assertThat(group.pick(List.of())).isNotSameAs(s.get(1));
        }
        assertThat(group.pick(List.of(s.get(0)))).isSameAs(s.get(2));
        assertThat(group.pick(List.of(s.get(0), s.get(2)))).isNull();
    }

    @Test
    void leastConnectionsPicksTheLeastLoaded() {
        UpstreamGroup group = new UpstreamGroup(config(UpstreamGroupConfig.Balance.LEAST_CONNECTIONS, 3), Map.of());
        List<Upstream> s = group.servers();
        s.get(0).connectionOpened();
        s.get(0).connectionOpened();
        s.get(2).connectionOpened();
        assertThat(group.pick(List.of())).isSameAs(s.get(1));
        assertThat(group.pick(List.of(s.get(1)))).isSameAs(s.get(2));
    }

    @Test
    void riseAndFallCountsAndHealthCarriesOverAReload() {
        UpstreamGroup group = new UpstreamGroup(config(UpstreamGroupConfig.Balance.ROUND_ROBIN, 1), Map.of());
        Upstream u = group.servers().get(0);
        assertThat(u.record(false, 2, 2)).isFalse();
        assertThat(u.record(false, 2, 2)).isTrue();
        assertThat(u.healthy()).isFalse();
        UpstreamGroup reloaded = new UpstreamGroup(config(UpstreamGroupConfig.Balance.ROUND_ROBIN, 1), Map.of("g", group));
        assertThat(reloaded.servers().get(0).healthy()).isFalse();
        assertThat(u.record(true, 2, 2)).isFalse();
        assertThat(u.record(true, 2, 2)).isTrue();
        assertThat(u.healthy()).isTrue();
        assertThat(group.encoder()).isNotNull();
    }
}
