package io.gmtls.brokeradapter.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.gmtls.config.ConfigException;
import io.gmtls.brokeradapter.config.EmbeddedBrokerSettings;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateConfigLoader;

/** {@code broker.embedded} in the gate's YAML, and the Moquette properties made from it. */
class EmbeddedBrokerConfigTest {

    private static final String HEAD = """
            listen: 127.0.0.1:1884
            gateways: [127.0.0.1]
            ca:
              authn-url: http://127.0.0.1:8080/api/v1/broker/authn
            """;

    @Test
    void embeddedBrokerBecomesTheUpstream() {
        GateConfig c = GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  embedded: {bind: 127.0.0.1:11884}\n");
        assertThat(c.embeddedBroker()).contains(new EmbeddedBrokerSettings(new InetSocketAddress("127.0.0.1", 11884),
                EmbeddedBrokerSettings.DEFAULT_MAX_MESSAGE_BYTES));
        assertThat(c.broker().toString()).isEqualTo("127.0.0.1:11884");
        GateConfig wildcard = GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  embedded: {bind: 0.0.0.0:11884}\n");
        assertThat(wildcard.broker().toString()).as("a wildcard bind is reached on loopback").isEqualTo("127.0.0.1:11884");
    }

    @Test
    void withoutEmbeddedTheExternalAddressIsRequired() {
        GateConfig c = GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  address: 127.0.0.1:1883\n");
        assertThat(c.embeddedBroker()).isEmpty();
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  connect-timeout: 2s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gate.yaml: broker.address: is required (or broker.embedded)");
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml",
                HEAD + "broker:\n  address: 127.0.0.1:1883\n  embedded: {bind: 127.0.0.1:11884}\n"))
                .hasMessage("gate.yaml: broker.address: give broker.address or broker.embedded, not both");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  embedded: {bind: 127.0.0.1:0}\n"))
                .hasMessage("gate.yaml: broker.embedded.bind: embedded broker needs a fixed port: the gate connects to it");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  embedded: {port: 11884}\n"))
                .hasMessage("gate.yaml: broker.embedded.bind: is required (host:port)");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml",
                HEAD + "broker:\n  embedded: {bind: 127.0.0.1:11884, persistence: true}\n"))
                .hasMessage("gate.yaml: broker.embedded.persistence: unknown key (known here: bind, max-message-bytes)");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml",
                HEAD + "broker:\n  embedded: {bind: 127.0.0.1:11884, max-message-bytes: 10}\n"))
                .hasMessageStartingWith("gate.yaml: broker.embedded.max-message-bytes: must be between 64 and ");
        assertThatThrownBy(() -> GateConfigLoader.parse("gate.yaml", HEAD + "broker:\n  embedded: yes\n"))
                .hasMessage("gate.yaml: broker.embedded: expected a mapping (key: value), found boolean true");
    }

    @Test
    void moquetteGetsNoTelemetryNoPersistenceNoExtraListeners() {
        Properties p = EmbeddedMqttBroker.properties(
                new EmbeddedBrokerSettings(new InetSocketAddress("127.0.0.1", 11884), 4096));
        assertThat(p).containsEntry("host", "127.0.0.1").containsEntry("port", "11884")
                .containsEntry("telemetry_enabled", "false")
                .containsEntry("persistence_enabled", "false")
                .containsEntry("websocket_port", "disabled")
                .containsEntry("use_metrics", "false")
                .containsEntry("use_bugsnag", "false")
                .containsEntry("netty.mqtt.message_size", "4096")
                .doesNotContainKey("ssl_port");
    }
}
