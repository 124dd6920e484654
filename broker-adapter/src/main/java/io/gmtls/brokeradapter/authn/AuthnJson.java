package io.gmtls.brokeradapter.authn;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON of the authn endpoint: the request body the gate sends and the mapper that reads answers. */
public final class AuthnJson {

    /**
     * Duplicate keys are refused: an answer with two {@code result} fields must not be read as
     * whichever comes last.
     */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private AuthnJson() {
    }

    /**
     * The request body, keys in the order of the EMQX template in {@code emqx/}: {@code clientid},
     * {@code username}, {@code password}, {@code peerhost}, {@code cert_common_name},
     * {@code cert_subject}, then {@code cert_serial} when known.
     */
    public static byte[] requestBody(AuthnRequest request) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("clientid", request.clientId());
        body.put("username", request.username());
        body.put("password", request.password());
        body.put("peerhost", request.peerHost());
        body.put("cert_common_name", request.certCommonName());
        body.put("cert_subject", request.certSubject());
        request.certSerial().ifPresent(serial -> body.put("cert_serial", serial));
        return MAPPER.writeValueAsBytes(body);
    }
}
