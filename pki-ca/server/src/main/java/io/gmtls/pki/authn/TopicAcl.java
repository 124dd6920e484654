package io.gmtls.pki.authn;

import io.gmtls.pki.core.PkiConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The topics a vehicle may use: templates with {@code {vin}} (default {@code vehicle/{vin}/#}),
 * rendered into EMQX ACL rules for authn and matched against topic names and filters for authz.
 */
public final class TopicAcl {

    private static final int MAX_TOPIC = 512;

    private final List<String> templates;

    public TopicAcl(List<String> templates) {
        if (templates == null || templates.isEmpty()) {
            throw new PkiConfigException("gmtls.broker.acl-topics", "at least one topic template is required");
        }
        for (String t : templates) {
            if (!t.contains("{vin}") || t.contains("\"") || t.contains("\\") || t.startsWith("$")) {
                throw new PkiConfigException("gmtls.broker.acl-topics",
                        "'" + t + "' must contain {vin} and no quote, backslash or leading $");
            }
        }
        this.templates = List.copyOf(templates);
    }

    /** The EMQX ACL for a vehicle: its topics allowed, everything else denied. */
    public List<AuthnDecision.AclRule> rulesFor(String vin) {
        List<AuthnDecision.AclRule> rules = new ArrayList<>();
        for (String t : templates) {
            rules.add(new AuthnDecision.AclRule("allow", "all", t.replace("{vin}", vin)));
        }
        rules.add(new AuthnDecision.AclRule("deny", "all", "#"));
        return rules;
    }

    /**
     * True when {@code topic} (a topic name, or a subscription filter) lies inside one of the
     * vehicle's templates: a filter may use wildcards only where the template has them.
     */
    public boolean permits(String vin, String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC || topic.indexOf('\0') >= 0
                || topic.startsWith("$")) {
            return false;
        }
        for (String t : templates) {
            if (within(t.replace("{vin}", vin).split("/", -1), topic.split("/", -1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(String[] template, String[] topic) {
        for (int i = 0; i < template.length; i++) {
            String level = template[i];
            if (level.equals("#")) {
                return true;
            }
            if (i >= topic.length) {
                return false;
            }
            String asked = topic[i];
            if (asked.equals("#") || (asked.equals("+") && !level.equals("+"))) {
                return false;
            }
            if (!level.equals("+") && !level.equals(asked)) {
                return false;
            }
        }
        return topic.length == template.length;
    }
}
