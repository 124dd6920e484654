package io.gmtls.pki.authn;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body EMQX 5 sends with its HTTP authenticator, rendered from placeholders (an undefined
 * placeholder renders as an empty string), plus {@code cert_serial} where the caller has it (the
 * broker-adapter, from PPv2 TLV 0xE0).
 */
public record AuthnRequest(
        String clientid,
        String username,
        String password,
        String peerhost,
        @JsonProperty("cert_common_name") String certCommonName,
        @JsonProperty("cert_subject") String certSubject,
        @JsonProperty("cert_serial") String certSerial) {
}
