package io.gmtls.enrollment;

import io.gmtls.pki.core.PkiConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrollmentPropertiesTest {

    private static EnrollmentProperties properties(List<String> gateways) {
        return new EnrollmentProperties(gateways, new EnrollmentProperties.Ppv2(500, false, Duration.ofSeconds(10)),
                new EnrollmentProperties.Renewal(Duration.ofHours(24), Duration.ofMinutes(1)),
                new EnrollmentProperties.Limits(null, null, 100_000), 16384, Duration.ofSeconds(60), true);
    }

    @Test
    void validConfigurationGivesAnAllowListAndDefaults() {
        EnrollmentProperties p = properties(List.of("10.1.0.0/16", "fd00::1"));
        assertThat(p.gatewayAllowList().entries()).containsExactly("10.1.0.0/16", "fd00::1");
        assertThat(p.limits().perAddress().rate()).isEqualTo(5);
        assertThat(p.limits().perCredential().burst()).isEqualTo(100);
        assertThat(p.ppv2().receiverSettings().maxHeaderBytes()).isEqualTo(500);
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> properties(List.of())).isInstanceOf(PkiConfigException.class)
                .hasMessageStartingWith("gmtls.enrollment.gateways:");
        assertThatThrownBy(() -> properties(List.of("gateway.example.com")))
                .hasMessageStartingWith("gmtls.enrollment.gateways:").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> properties(List.of("10.1.2.3/16"))).hasMessageContaining("bits set below");
        assertThatThrownBy(() -> new EnrollmentProperties.Renewal(Duration.ofSeconds(-1), Duration.ofMinutes(1)))
                .hasMessageStartingWith("gmtls.enrollment.renewal.overlap:");
        assertThatThrownBy(() -> new EnrollmentProperties.Renewal(Duration.ZERO, Duration.ofMillis(1)))
                .hasMessageStartingWith("gmtls.enrollment.renewal.revoke-interval:");
        assertThatThrownBy(() -> new EnrollmentProperties.Bucket(5, 0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> new EnrollmentProperties.Bucket(-1, 5)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new EnrollmentProperties.Ppv2(10, false, Duration.ofSeconds(1)))
                .hasMessageStartingWith("gmtls.enrollment.ppv2:");
        assertThatThrownBy(() -> new EnrollmentProperties(List.of("127.0.0.1"),
                new EnrollmentProperties.Ppv2(500, false, Duration.ofSeconds(10)),
                new EnrollmentProperties.Renewal(Duration.ZERO, Duration.ofMinutes(1)),
                new EnrollmentProperties.Limits(null, null, 1000), 100, Duration.ofSeconds(60), true))
                .hasMessageStartingWith("gmtls.enrollment.max-body-bytes:");
    }
}
