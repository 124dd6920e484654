package io.gmtls.brokeradapter.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuthnJsonTest {

    @Test
    void requestBodyHasTheTemplateFieldsInOrderAndEscapesValues() {
        AuthnRequest request = new AuthnRequest("LGMDEV00000000001", "", "p\"w\\", "2001:db8::1",
                "LGMDEV00000000001", "", Optional.of("1a2b"));
        assertThat(new String(AuthnJson.requestBody(request), StandardCharsets.UTF_8)).isEqualTo(
                "{\"clientid\":\"LGMDEV00000000001\",\"username\":\"\",\"password\":\"p\\\"w\\\\\","
                        + "\"peerhost\":\"2001:db8::1\",\"cert_common_name\":\"LGMDEV00000000001\","
                        + "\"cert_subject\":\"\",\"cert_serial\":\"1a2b\"}");
        assertThat(request.toString()).doesNotContain("p\"w").contains("password=(present)");
    }
}
