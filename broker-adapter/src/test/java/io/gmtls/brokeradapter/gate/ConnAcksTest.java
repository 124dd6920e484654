package io.gmtls.brokeradapter.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.netty.handler.codec.mqtt.MqttVersion;

class ConnAcksTest {

    @Test
    void returnCodesPerVersion() {
        assertThat(code(MqttVersion.MQTT_3_1_1, Refusal.NOT_AUTHORIZED)).isEqualTo(5);
        assertThat(code(MqttVersion.MQTT_3_1_1, Refusal.SERVER_UNAVAILABLE)).isEqualTo(3);
        assertThat(code(MqttVersion.MQTT_3_1_1, Refusal.SERVER_BUSY)).isEqualTo(3);
        assertThat(code(MqttVersion.MQTT_3_1, Refusal.NOT_AUTHORIZED)).isEqualTo(5);
        assertThat(code(MqttVersion.MQTT_5, Refusal.NOT_AUTHORIZED)).isEqualTo(0x87);
        assertThat(code(MqttVersion.MQTT_5, Refusal.SERVER_UNAVAILABLE)).isEqualTo(0x88);
        assertThat(code(MqttVersion.MQTT_5, Refusal.SERVER_BUSY)).isEqualTo(0x89);
    }

    private static int code(MqttVersion v, Refusal r) {
        return ConnAcks.refusal(v, r).variableHeader().connectReturnCode().byteValue() & 0xFF;
    }
}
