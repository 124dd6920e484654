package io.gmtls.brokeradapter.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AclTest {

    private static AclRule rule(AclPermission p, AclAction a, String topic) {
        return new AclRule(p, a, TopicFilter.parse(topic), Optional.empty(), Optional.empty());
    }

    @Test
    void firstApplyingRuleDecidesAndNothingApplyingMeansDeny() {
        Acl acl = new Acl(List.of(
                rule(AclPermission.DENY, AclAction.ALL, "vehicle/V1/secret"),
                rule(AclPermission.ALLOW, AclAction.PUBLISH, "vehicle/V1/#"),
                rule(AclPermission.ALLOW, AclAction.SUBSCRIBE, "vehicle/V1/cmd/#")));
        assertThat(acl.permitsPublish("vehicle/V1/status", 1, false)).isTrue();
        assertThat(acl.permitsPublish("vehicle/V1/secret", 0, false)).isFalse();
        assertThat(acl.permitsPublish("vehicle/V2/status", 0, false)).isFalse();
        assertThat(acl.permitsSubscribe("vehicle/V1/cmd/#", 1)).isTrue();
        // A subscription that would also receive the denied topic is refused as a whole.
        assertThat(acl.permitsSubscribe("vehicle/V1/#", 1)).isFalse();
        assertThat(acl.permitsSubscribe("vehicle/V1/status", 1)).isFalse();
        assertThat(Acl.DENY_ALL.permitsPublish("anything", 0, false)).isFalse();
    }

    @Test
    void qosAndRetainNarrowARule() {
        Acl acl = new Acl(List.of(new AclRule(AclPermission.ALLOW, AclAction.PUBLISH, TopicFilter.parse("t/#"),
                Optional.of(Set.of(0, 1)), Optional.of(false))));
        assertThat(acl.permitsPublish("t/a", 1, false)).isTrue();
        assertThat(acl.permitsPublish("t/a", 2, false)).isFalse();
        assertThat(acl.permitsPublish("t/a", 0, true)).isFalse();
    }

    @Test
    void sharedSubscriptionsAreCheckedOnTheirFilter() {
        Acl acl = new Acl(List.of(rule(AclPermission.ALLOW, AclAction.SUBSCRIBE, "vehicle/V1/#")));
        assertThat(acl.permitsSubscribe("$share/group/vehicle/V1/cmd", 1)).isTrue();
        assertThat(acl.permitsSubscribe("$queue/vehicle/V1/cmd", 1)).isTrue();
        assertThat(acl.permitsSubscribe("$share/group/vehicle/V2/cmd", 1)).isFalse();
        assertThat(acl.permitsSubscribe("$share/group", 1)).isFalse();
        assertThat(acl.permitsSubscribe("$share//vehicle/V1/cmd", 1)).isFalse();
        assertThat(acl.permitsSubscribe("vehicle/V1/#/x", 1)).isFalse();
    }
}
