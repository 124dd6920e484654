package io.gmtls.brokeradapter.authn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.gmtls.brokeradapter.acl.Acl;
import io.gmtls.brokeradapter.acl.AclAction;
import io.gmtls.brokeradapter.acl.AclPermission;
import io.gmtls.brokeradapter.acl.AclRule;
import io.gmtls.brokeradapter.acl.TopicFilter;

/**
 * Reads the CA's answer as EMQX 5 reads an HTTP authn answer, failing closed where EMQX would
 * fall through:
 * <ul>
 *   <li>200 with {@code application/json} and {@code "result":"allow"} → allow, with
 *       {@code is_superuser}, {@code acl} and {@code expire_at} read as EMQX does;</li>
 *   <li>{@code "result":"deny"}, {@code "ignore"}, a missing or unknown result → deny (for EMQX
 *       "ignore" moves to the next authenticator, and the end of the chain refuses: same outcome);</li>
 *   <li>an allow with a malformed {@code acl}, {@code is_superuser} or {@code expire_at} → deny
 *       (EMQX answers "bad username or password");</li>
 *   <li>any other status (EMQX would treat 204 as allow; our CA never sends it), another content
 *       type, or a body that is not a JSON object → CA unavailable.</li>
 * </ul>
 */
public final class AuthnResponseParser {

    private AuthnResponseParser() {
    }

    /**
     * Interprets one answer.
     *
     * @param status      HTTP status
     * @param contentType the Content-Type header, if any
     * @param body        the (bounded) body
     * @param now         the current time, for {@code expire_at}
     */
    public static AuthnDecision parse(int status, Optional<String> contentType, byte[] body, Instant now) {
        if (status != 200) {
            return new AuthnDecision.Unavailable("CA answered HTTP " + status, false);
        }
        String type = contentType.orElse("").toLowerCase(Locale.ROOT).trim();
        if (!type.startsWith("application/json")) {
            return new AuthnDecision.Unavailable("CA answer is not application/json", false);
        }
        JsonNode root;
        try {
            root = AuthnJson.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return new AuthnDecision.Unavailable("CA answer is not valid JSON", false);
        }
        if (root == null || !root.isObject()) {
            return new AuthnDecision.Unavailable("CA answer is not a JSON object", false);
        }
        JsonNode result = root.get("result");
        String verdict = result != null && result.isString() ? result.stringValue() : "ignore";
        return switch (verdict) {
            case "allow" -> allow(root, now);
            case "deny" -> new AuthnDecision.Deny("CA denied");
            case "ignore" -> new AuthnDecision.Deny("CA answered ignore");
            default -> new AuthnDecision.Deny("CA answered an unknown result");
        };
    }

    private static AuthnDecision allow(JsonNode root, Instant now) {
        Optional<Boolean> superuser = superuser(root.get("is_superuser"));
        if (superuser.isEmpty()) {
            return new AuthnDecision.Deny("CA answer has a malformed is_superuser");
        }
        Optional<Instant> expireAt = Optional.empty();
        JsonNode expire = root.get("expire_at");
        if (expire != null && !expire.isNull()) {
            if (!expire.isIntegralNumber() || !expire.canConvertToLong()) {
                return new AuthnDecision.Deny("CA answer has a malformed expire_at");
            }
            long seconds = expire.longValue();
            // EMQX refuses values in the past and values that look like milliseconds.
            if (seconds < now.getEpochSecond() || seconds > now.toEpochMilli() / 2) {
                return new AuthnDecision.Deny("CA answer has an expire_at in the past or not in seconds");
            }
            expireAt = Optional.of(Instant.ofEpochSecond(seconds));
        }
        Optional<Acl> acl = Optional.empty();
        JsonNode aclNode = root.get("acl");
        if (aclNode != null && !aclNode.isNull()) {
            try {
                acl = Optional.of(acl(aclNode));
            } catch (IllegalArgumentException e) {
                return new AuthnDecision.Deny("CA answer has a malformed acl: " + e.getMessage());
            }
        }
        return new AuthnDecision.Allow(superuser.get(), acl, expireAt);
    }

    /** EMQX accepts booleans, "true"/"false" and 1/0; absent means false. Empty: malformed. */
    private static Optional<Boolean> superuser(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.of(false);
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        if (node.isString()) {
            return switch (node.stringValue()) {
                case "true" -> Optional.of(true);
                case "false" -> Optional.of(false);
                default -> Optional.empty();
            };
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long v = node.longValue();
            return v == 0 || v == 1 ? Optional.of(v == 1) : Optional.empty();
        }
        return Optional.empty();
    }

    private static final int MAX_RULES = 1024;

    /** Parses the {@code acl} list; throws {@link IllegalArgumentException} naming the bad rule. */
    static Acl acl(JsonNode node) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("acl is not a list");
        }
        if (node.size() > MAX_RULES) {
            throw new IllegalArgumentException("acl has more than " + MAX_RULES + " rules");
        }
        List<AclRule> rules = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                rules.addAll(rule(node.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Acl(rules);
    }

    private static List<AclRule> rule(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!Set.of("permission", "action", "topic", "topics", "qos", "retain").contains(field.getKey())) {
                throw new IllegalArgumentException("unknown field");
            }
        }
        AclPermission permission = switch (text(node, "permission")) {
            case "allow" -> AclPermission.ALLOW;
            case "deny" -> AclPermission.DENY;
            default -> throw new IllegalArgumentException("permission must be allow or deny");
        };
        AclAction action = switch (text(node, "action")) {
            case "publish" -> AclAction.PUBLISH;
            case "subscribe" -> AclAction.SUBSCRIBE;
            case "all" -> AclAction.ALL;
            default -> throw new IllegalArgumentException("action must be publish, subscribe or all");
        };
        List<String> topics = new ArrayList<>();
        JsonNode topic = node.get("topic");
        JsonNode topicList = node.get("topics");
        if ((topic == null) == (topicList == null)) {
            throw new IllegalArgumentException("needs exactly one of topic and topics");
        }
        if (topic != null) {
            topics.add(textValue(topic, "topic"));
        } else {
            if (!topicList.isArray() || topicList.isEmpty()) {
                throw new IllegalArgumentException("topics must be a non-empty list");
            }
            for (JsonNode t : topicList) {
                topics.add(textValue(t, "topics"));
            }
        }
        Optional<Set<Integer>> qos = qos(node.get("qos"));
        Optional<Boolean> retain = retain(node.get("retain"));
        List<AclRule> rules = new ArrayList<>();
        for (String t : topics) {
            if (t.contains("${")) {
                // The gate renders no placeholders: the CA is expected to send concrete topics.
                throw new IllegalArgumentException("topic placeholders are not supported");
            }
            rules.add(new AclRule(permission, action, TopicFilter.parse(t), qos, retain));
        }
        return rules;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return textValue(value, field);
    }

    private static String textValue(JsonNode value, String field) {
        if (!value.isString()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.stringValue();
    }

    private static Optional<Set<Integer>> qos(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Set<Integer> levels = new LinkedHashSet<>();
        if (node.isArray()) {
            for (JsonNode level : node) {
                levels.add(qosLevel(level));
            }
        } else {
            levels.add(qosLevel(node));
        }
        return Optional.of(levels);
    }

    private static int qosLevel(JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0 || node.longValue() > 2) {
            throw new IllegalArgumentException("qos must be 0, 1, 2 or a list of them");
        }
        return (int) node.longValue();
    }

    private static Optional<Boolean> retain(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        if (node.isString() && node.stringValue().equals("all")) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("retain must be true, false or \"all\"");
    }
}
