package io.gmtls.pki.authn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A decision with its response body already serialised (the cached path writes these bytes as they
 * are). {@code reason} is for logs and metrics only; it is not sent to the broker. An allow carries
 * {@code expireAt}, the admitting certificate's notAfter, sent as EMQX 5's {@code expire_at} (Unix
 * seconds; EMQX 5.8+ ends the session then, so no session outlives its certificate).
 */
public record AuthnDecision(AuthnResult result, String vin, List<AclRule> acl, String reason, Instant expireAt,
        byte[] body) {

    /** One EMQX 5 ACL rule. */
    public record AclRule(String permission, String action, String topic) {
    }

    /** Admitted by a certificate valid until {@code expireAt}. */
    public static AuthnDecision allow(String vin, List<AclRule> acl, String reason, Instant expireAt) {
        return new AuthnDecision(AuthnResult.ALLOW, vin, List.copyOf(acl), reason, expireAt,
                render(AuthnResult.ALLOW, acl, expireAt));
    }

    public static AuthnDecision deny(String reason) {
        return new AuthnDecision(AuthnResult.DENY, null, List.of(), reason, null,
                render(AuthnResult.DENY, List.of(), null));
    }

    public static AuthnDecision ignore(String reason) {
        return new AuthnDecision(AuthnResult.IGNORE, null, List.of(), reason, null,
                render(AuthnResult.IGNORE, List.of(), null));
    }

    @Override
    public byte[] body() {
        return body;
    }

    private static byte[] render(AuthnResult result, List<AclRule> acl, Instant expireAt) {
        StringBuilder json = new StringBuilder(128).append("{\"result\":\"").append(result.json())
                .append("\",\"is_superuser\":false");
        if (expireAt != null) {
            json.append(",\"expire_at\":").append(expireAt.getEpochSecond());
        }
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
