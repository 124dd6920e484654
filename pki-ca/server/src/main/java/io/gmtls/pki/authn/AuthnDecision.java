package io.gmtls.pki.authn;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A decision with its response body already serialised (the cached path writes these bytes as they
 * are). {@code reason} is for logs and metrics only; it is not sent to the broker.
 */
public record AuthnDecision(AuthnResult result, String vin, List<AclRule> acl, String reason, byte[] body) {

    /** One EMQX 5 ACL rule. */
    public record AclRule(String permission, String action, String topic) {
    }

    public static AuthnDecision allow(String vin, List<AclRule> acl, String reason) {
        return new AuthnDecision(AuthnResult.ALLOW, vin, List.copyOf(acl), reason, render(AuthnResult.ALLOW, acl));
    }

    public static AuthnDecision deny(String reason) {
        return new AuthnDecision(AuthnResult.DENY, null, List.of(), reason, render(AuthnResult.DENY, List.of()));
    }

    public static AuthnDecision ignore(String reason) {
        return new AuthnDecision(AuthnResult.IGNORE, null, List.of(), reason, render(AuthnResult.IGNORE, List.of()));
    }

    @Override
    public byte[] body() {
        return body;
    }

    private static byte[] render(AuthnResult result, List<AclRule> acl) {
        StringBuilder json = new StringBuilder(128).append("{\"result\":\"").append(result.json())
                .append("\",\"is_superuser\":false");
        if (result == AuthnResult.ALLOW) {
            json.append(",\"acl\":[");
            for (int i = 0; i < acl.size(); i++) {
                AclRule r = acl.get(i);
                if (i > 0) {
                    json.append(',');
                }
                // Values are VINs, fixed words and configured topic templates: no characters to escape.
                json.append("{\"permission\":\"").append(r.permission()).append("\",\"action\":\"")
                        .append(r.action()).append("\",\"topic\":\"").append(r.topic()).append("\"}");
            }
            json.append(']');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
