package io.gmtls.tboxsim.enroll;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON body of a successful {@code POST /api/v1/enroll} or {@code /renew} (ENROLL-API.md), as sent:
 * nothing is trusted yet ({@link EnrollmentVerifier} checks it).
 *
 * @param vin                    the VIN the server issued for
 * @param signCertificate        PEM signing certificate
 * @param encCertificate         PEM encryption certificate
 * @param encPrivateKeyEnvelope  base64 DER SM2EnvelopedKey
 * @param chain                  PEM CA certificates, issuing CA first
 * @param crlUrl                 optional CRL URL
 * @param ocspUrl                optional OCSP URL
 * @param notAfter               optional expiry, as sent
 */
public record EnrollmentResponse(String vin, String signCertificate, String encCertificate,
        String encPrivateKeyEnvelope, List<String> chain, Optional<String> crlUrl, Optional<String> ocspUrl,
        Optional<String> notAfter) {

    /** More CA certificates than any real hierarchy has. */
    static final int MAX_CHAIN = 8;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public EnrollmentResponse {
        chain = List.copyOf(chain);
    }

    /**
     * Parses the body.
     *
     * @throws EnrollmentException (kind RESPONSE) naming the missing or mistyped field
     */
    public static EnrollmentResponse parse(byte[] body) throws EnrollmentException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw EnrollmentException.response("response is not JSON: " + e.getOriginalMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw EnrollmentException.response("response is not a JSON object", null);
        }
        JsonNode chainNode = root.get("chain");
        if (chainNode == null || !chainNode.isArray() || chainNode.isEmpty() || chainNode.size() > MAX_CHAIN) {
            throw EnrollmentException.response("response field 'chain' must be an array of 1-" + MAX_CHAIN
                    + " PEM certificates", null);
        }
        List<String> chain = new ArrayList<>();
        for (JsonNode element : chainNode) {
            if (!element.isString()) {
                throw EnrollmentException.response("response field 'chain' must hold strings", null);
            }
            chain.add(element.asString());
        }
        return new EnrollmentResponse(required(root, "vin"), required(root, "signCertificate"),
                required(root, "encCertificate"), required(root, "encPrivateKeyEnvelope"), chain,
                optional(root, "crlUrl"), optional(root, "ocspUrl"), optional(root, "notAfter"));
    }

    private static String required(JsonNode root, String field) throws EnrollmentException {
        JsonNode node = root.get(field);
        if (node == null || !node.isString() || node.asString().isEmpty()) {
            throw EnrollmentException.response("response field '" + field + "' is missing or not a string", null);
        }
        return node.asString();
    }

    private static Optional<String> optional(JsonNode root, String field) throws EnrollmentException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw EnrollmentException.response("response field '" + field + "' is not a string", null);
        }
        return Optional.of(node.asString());
    }
}
