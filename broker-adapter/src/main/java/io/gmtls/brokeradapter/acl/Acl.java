package io.gmtls.brokeradapter.acl;

import java.util.List;
import java.util.Objects;

/**
 * The access list of one client: rules in order, the first that applies decides, nothing applying
 * means deny (EMQX evaluates client ACLs the same way; our default is deny so that an empty or
 * missing list grants nothing). Immutable.
 */
public final class Acl {

    /** An ACL without rules: everything is refused. */
    public static final Acl DENY_ALL = new Acl(List.of());

    private static final String SHARE_PREFIX = "$share/";
    private static final String QUEUE_PREFIX = "$queue/";

    private final List<AclRule> rules;

    /** Makes an ACL from rules in evaluation order. */
    public Acl(List<AclRule> rules) {
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
    }

    /** The rules in evaluation order. */
    public List<AclRule> rules() {
        return rules;
    }

    /** May the client publish to this topic name with this QoS and retain flag? */
    public boolean permitsPublish(String topic, int qos, boolean retain) {
        return decide(AclAction.PUBLISH, topic, qos, retain) == AclPermission.ALLOW;
    }

    /**
     * May the client subscribe to this filter with this maximum QoS? Shared subscriptions
     * ({@code $share/group/filter}, EMQX's {@code $queue/filter}) are checked on their filter part.
     * An invalid filter is refused.
     */
    public boolean permitsSubscribe(String filter, int qos) {
        String effective = stripShare(filter);
        if (effective == null || !TopicFilter.isValidFilter(effective)) {
            return false;
        }
        return decide(AclAction.SUBSCRIBE, effective, qos, false) == AclPermission.ALLOW;
    }

    private AclPermission decide(AclAction action, String topic, int qos, boolean retain) {
        for (AclRule rule : rules) {
            if (rule.appliesTo(action, topic, qos, retain)) {
                return rule.permission();
            }
        }
        return AclPermission.DENY;
    }

    /** The filter part of a shared subscription; {@code null} when the share syntax is broken. */
    static String stripShare(String filter) {
        if (filter.startsWith(SHARE_PREFIX)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash <= SHARE_PREFIX.length() || slash == filter.length() - 1) {
                return null;
            }
            return filter.substring(slash + 1);
        }
        if (filter.startsWith(QUEUE_PREFIX)) {
            return filter.length() > QUEUE_PREFIX.length() ? filter.substring(QUEUE_PREFIX.length()) : null;
        }
        return filter;
    }

    @Override
    public String toString() {
        return "Acl[" + rules.size() + " rules]";
    }
}
