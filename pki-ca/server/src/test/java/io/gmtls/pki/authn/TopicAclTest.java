package io.gmtls.pki.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicAclTest {

    private final TopicAcl acl = new TopicAcl(List.of("vehicle/{vin}/#"));
    private static final String VIN = "LGMDEV00000000001";

    @Test
    void vehicleStaysInsideItsTopics() {
        assertThat(acl.permits(VIN, "vehicle/" + VIN + "/telemetry")).isTrue();
        assertThat(acl.permits(VIN, "vehicle/" + VIN)).isTrue();
        assertThat(acl.permits(VIN, "vehicle/" + VIN + "/#")).isTrue();
        assertThat(acl.permits(VIN, "vehicle/" + VIN + "/+/x")).isTrue();
        assertThat(acl.permits(VIN, "vehicle/LGMDEV00000000002/telemetry")).isFalse();
        assertThat(acl.permits(VIN, "vehicle/+/telemetry")).isFalse();
        assertThat(acl.permits(VIN, "vehicle/#")).isFalse();
        assertThat(acl.permits(VIN, "#")).isFalse();
        assertThat(acl.permits(VIN, "$SYS/brokers")).isFalse();
        assertThat(acl.permits(VIN, "")).isFalse();
        assertThat(acl.rulesFor(VIN)).containsExactly(
                new AuthnDecision.AclRule("allow", "all", "vehicle/" + VIN + "/#"),
                new AuthnDecision.AclRule("deny", "all", "#"));
    }
}
