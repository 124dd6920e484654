package io.gmtls.brokeradapter.acl;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of the ACL the CA returns with an allow (EMQX 5 format:
 * {@code {"permission":"allow","action":"publish","topic":"vehicle/LGM…/#","qos":[0,1],"retain":false}}).
 *
 * @param permission what the rule decides when it applies
 * @param action     the operations it applies to
 * @param topic      the topic filter it applies to
 * @param qos        the QoS levels it applies to; empty: all
 * @param retain     for publishes, the retain flag it applies to; empty: both
 */
public record AclRule(AclPermission permission, AclAction action, TopicFilter topic,
                      Optional<Set<Integer>> qos, Optional<Boolean> retain) {

    /** Checks presence and QoS values. */
    public AclRule {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(retain, "retain");
        qos = qos.map(Set::copyOf);
        qos.ifPresent(levels -> levels.forEach(level -> {
            if (level < 0 || level > 2) {
                throw new IllegalArgumentException("qos must be 0, 1 or 2");
            }
        }));
    }

    /**
     * {@code true} when this rule decides the request. An allow rule must cover everything the
     * request can reach; a deny rule applies as soon as it overlaps it (both fail closed).
     */
    boolean appliesTo(AclAction requested, String topicOrFilter, int requestedQos, boolean requestedRetain) {
        if (!action.covers(requested)) {
            return false;
        }
        if (qos.isPresent() && !qos.get().contains(requestedQos)) {
            return false;
        }
        if (requested == AclAction.PUBLISH && retain.isPresent() && retain.get() != requestedRetain) {
            return false;
        }
        return permission == AclPermission.ALLOW ? topic.covers(topicOrFilter) : topic.intersects(topicOrFilter);
    }
}
