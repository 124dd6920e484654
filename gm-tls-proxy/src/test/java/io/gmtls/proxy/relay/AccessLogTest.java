package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void plainValuesStayBareOthersAreQuotedAndEscaped() {
        StringBuilder line = new StringBuilder();
        AccessLog.field(line, "conn", "gw-1");
        AccessLog.field(line, "cn", "Evil \"CN\"\nconn=forged");
        AccessLog.field(line, "sni", null);
        AccessLog.field(line, "bytes_up", 12L);
        assertThat(line.toString())
                .isEqualTo("conn=gw-1 cn=\"Evil \\\"CN\\\"\\x0aconn=forged\" sni=- bytes_up=12");
    }

    @Test
    void connectionIdsAreUniqueAndPrefixed() {
        ConnectionIds ids = new ConnectionIds("gw1");
        String a = ids.next();
        String b = ids.next();
        assertThat(a).startsWith("gw1-").isNotEqualTo(b);
        assertThat(a).matches("gw1-[0-9a-f]{6}-1");
    }
}
