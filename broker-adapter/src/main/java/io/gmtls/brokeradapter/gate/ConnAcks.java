package io.gmtls.brokeradapter.gate;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;

/** The CONNACK the gate answers a refused CONNECT with, in the client's protocol version. */
final class ConnAcks {

    private ConnAcks() {
    }

    static MqttConnAckMessage refusal(MqttVersion version, Refusal refusal) {
        return MqttMessageBuilders.connAck()
                .returnCode(returnCode(version, refusal))
                .sessionPresent(false)
                .build();
    }

    static MqttConnectReturnCode returnCode(MqttVersion version, Refusal refusal) {
        boolean v5 = version == MqttVersion.MQTT_5;
        return switch (refusal) {
            case NOT_AUTHORIZED -> v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            case SERVER_UNAVAILABLE -> v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case SERVER_BUSY -> v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
        };
    }
}
