package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.channel.local.LocalAddress;
import org.junit.jupiter.api.Test;

class GatewayAllowListTest {

    private final GatewayAllowList list = GatewayAllowList.of("10.1.0.0/16", "192.0.2.7", " 2001:db8:a::/48 ", "::1");

    @Test
    void matchesAddressesAndBlocks() {
        assertThat(list.allows(new InetSocketAddress("10.1.255.3", 1))).isTrue();
        assertThat(list.allows(new InetSocketAddress("10.2.0.1", 1))).isFalse();
        assertThat(list.allows(new InetSocketAddress("192.0.2.7", 1))).isTrue();
        assertThat(list.allows(new InetSocketAddress("192.0.2.8", 1))).isFalse();
        assertThat(list.allows(new InetSocketAddress("2001:db8:a:ffff::1", 1))).isTrue();
        assertThat(list.allows(new InetSocketAddress("2001:db8:b::1", 1))).isFalse();
        assertThat(list.allows(new InetSocketAddress("::1", 1))).isTrue();
        // The JDK turns IPv4-mapped IPv6 into IPv4, so a dual-stack listener still matches IPv4 entries.
        assertThat(list.allows(new InetSocketAddress("::ffff:10.1.0.9", 1))).isTrue();
        assertThat(list.entries()).containsExactly("10.1.0.0/16", "192.0.2.7", "2001:db8:a::/48", "::1");
    }

    @Test
    void refusesWhatIsNotAnIpSocketAddress() {
        assertThat(list.allows(null)).isFalse();
        assertThat(list.allows(new LocalAddress("gw"))).isFalse();
        assertThat(list.allows(InetSocketAddress.createUnresolved("10.1.0.1", 1))).isFalse();
        assertThat(GatewayAllowList.of("0.0.0.0/0").allows(new InetSocketAddress("::1", 1))).isFalse();
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> GatewayAllowList.of(List.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.1", "gateway.example"))
                .hasMessageContaining("entry 2 'gateway.example'").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.0/33")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> GatewayAllowList.of("fd00::/129")).hasMessageContaining("0..128");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.0/")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.0/-1")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.1/8")).hasMessageContaining("bits set below the /8");
        assertThatThrownBy(() -> GatewayAllowList.of("10.0.0.256")).hasMessageContaining("not an IP address");
    }
}
