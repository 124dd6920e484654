package io.gmtls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void readsNamesV4V6AndWildcards() throws Exception {
        assertThat(HostPort.parse("broker.internal:1883")).isEqualTo(new HostPort("broker.internal", 1883));
        assertThat(HostPort.parse("[::1]:8883")).isEqualTo(new HostPort("::1", 8883));
        // The gateway always took an unbracketed IPv6 address with the port after the last colon.
        assertThat(HostPort.parse("::1:8883")).isEqualTo(new HostPort("::1", 8883));
        assertThat(HostPort.parse(":9090").wildcard()).isTrue();
        assertThat(HostPort.parse("*:9090").wildcard()).isTrue();
        assertThat(HostPort.parse(":9090").resolve()).isEqualTo(new InetSocketAddress(9090));
        assertThat(HostPort.parse("127.0.0.1:0").resolve().getAddress().isLoopbackAddress()).isTrue();
        assertThat(new HostPort("::1", 1).toString()).isEqualTo("[::1]:1");
    }

    @Test
    void problemsAreNamed() {
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).hasMessage("expected host:port, found '127.0.0.1'");
        assertThatThrownBy(() -> HostPort.parse("h:http")).hasMessage("port of 'h:http' is not a number");
        assertThatThrownBy(() -> HostPort.parse("h:-1")).hasMessage("port of 'h:-1' is not a number");
        assertThatThrownBy(() -> HostPort.parse("h:99999")).hasMessage("port 99999 is outside 0..65535");
        assertThatThrownBy(() -> HostPort.parse("[::1]8883")).hasMessage("expected [IPv6]:port, found '[::1]8883'");
        assertThatThrownBy(() -> new HostPort("h", 70000)).hasMessage("port must be between 0 and 65535, was 70000");
    }
}
