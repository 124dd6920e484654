package io.gmtls.brokeradapter.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
            "vehicle/V1/#, vehicle/V1/status, true",
            "vehicle/V1/#, vehicle/V1, true",
            "vehicle/V1/#, vehicle/V1/#, true",
            "vehicle/V1/#, vehicle/V1/+/x, true",
            "vehicle/V1/#, vehicle/V2/status, false",
            "vehicle/V1/#, vehicle/+/status, false",
            "vehicle/V1/#, vehicle/#, false",
            "vehicle/V1/#, #, false",
            "vehicle/+/status, vehicle/V1/status, true",
            "vehicle/+/status, vehicle/+/status, true",
            "vehicle/+/status, vehicle/#, false",
            "vehicle/+/status, vehicle/V1/status/x, false",
            "vehicle/+/status, vehicle/V1, false",
            "a/b, a/b, true",
            "a/b, a/b/c, false",
            "a/b, a/+, false",
            "#, a/b, true",
            "#, $SYS/broker, false",
            "+/broker, $SYS/broker, false",
            "$SYS/#, $SYS/broker, true",
            "eq vehicle/V1/#, vehicle/V1/#, true",
            "eq vehicle/V1/#, vehicle/V1/x, false",
    })
    void covers(String rule, String requested, boolean expected) {
        assertThat(TopicFilter.parse(rule).covers(requested)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} intersects {1}: {2}")
    @CsvSource({
            "vehicle/V1/secret, vehicle/V1/#, true",
            "vehicle/V1/secret, vehicle/+/secret, true",
            "vehicle/V1/secret, #, true",
            "vehicle/V1/secret, vehicle/V1/status, false",
            "vehicle/V1/#, vehicle/V1, true",
            "vehicle/V1, vehicle/V1/#, true",
            "vehicle/+/x, vehicle/V1/+, true",
            "vehicle/+/x, vehicle/V1/y, false",
            "a/b/c, a/b, false",
            "$SYS/#, #, false",
            "$SYS/#, +/x, false",
            "#, $SYS/x, false",
            "$SYS/+, $SYS/x, true",
    })
    void intersects(String rule, String requested, boolean expected) {
        assertThat(TopicFilter.parse(rule).intersects(requested)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "a/b+", "+a/b", "a/\u0000"})
    void invalidRuleTopicsAreRefused(String topic) {
        assertThat(TopicFilter.isValidFilter(topic)).isFalse();
        assertThatThrownBy(() -> TopicFilter.parse(topic)).isInstanceOf(IllegalArgumentException.class);
    }
}
