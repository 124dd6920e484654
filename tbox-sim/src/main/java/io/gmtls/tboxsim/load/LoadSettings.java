package io.gmtls.tboxsim.load;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * How a {@code connect} run behaves. Immutable; the constructor checks each value and names the
 * command-line option of a wrong one.
 *
 * @param mqttVersion        MQTT 3.1.1 or 5
 * @param keepAliveSeconds   MQTT keep-alive (PINGREQ after this long without writing); 0 = off
 * @param rampPerSecond      new vehicles started per second
 * @param publishPerSecond   messages per second per vehicle; 0 = connect only
 * @param qos                QoS of the publishes (0 or 1)
 * @param payloadBytes       payload size
 * @param topicTemplate      topic with {@code {VIN}} replaced by the vehicle's VIN
 * @param messagesPerVehicle stop a vehicle after this many publishes; 0 = until the duration ends
 * @param duration           end of the run; null = when every vehicle is done (needs messagesPerVehicle)
 * @param reconnectInterval  how often a wave of cell-change reconnects happens; null = never
 * @param reconnectFraction  share of the vehicles in each wave (0..1]
 * @param reconnectWaves     how many waves at most; 0 = one every interval to the end
 * @param wavesAfterConnected the first wave one interval after every vehicle had its first connection
 *                           (or gave up on it) rather than one interval after the start: on a slow
 *                           machine a wave at a fixed time could find vehicles still ramping up
 * @param maxInflight        QoS 1 publishes awaiting PUBACK per vehicle before publishing pauses
 * @param connectTimeout     TCP connect timeout
 * @param connackTimeout     CONNECT → CONNACK timeout
 * @param pubackTimeout      PUBLISH → PUBACK timeout
 * @param drainTimeout       at the end, how long vehicles may wait for their last PUBACKs
 * @param retries            connection attempts repeated after a failure, per vehicle
 * @param retryDelay         wait before such a retry
 * @param bindAddresses      local source addresses used in turn; empty = the system's choice
 * @param threads            event loop threads
 * @param maxMessageBytes    largest MQTT packet accepted from the server
 */
public record LoadSettings(MqttVersion mqttVersion, int keepAliveSeconds, double rampPerSecond,
        double publishPerSecond, MqttQoS qos, int payloadBytes, String topicTemplate, long messagesPerVehicle,
        Duration duration, Duration reconnectInterval, double reconnectFraction, int reconnectWaves,
        boolean wavesAfterConnected, int maxInflight,
        Duration connectTimeout, Duration connackTimeout, Duration pubackTimeout, Duration drainTimeout,
        int retries, Duration retryDelay, List<InetAddress> bindAddresses, int threads, int maxMessageBytes) {

    /** Upper bound of --payload-size: far above telemetry, well under MQTT limits. */
    public static final int MAX_PAYLOAD = 256 * 1024;
    /** Upper bound of --max-inflight. */
    public static final int MAX_INFLIGHT = 1000;

    public LoadSettings {
        Objects.requireNonNull(mqttVersion, "mqttVersion");
        if (mqttVersion != MqttVersion.MQTT_3_1_1 && mqttVersion != MqttVersion.MQTT_5) {
            throw new IllegalArgumentException("--mqtt: 3.1.1 or 5");
        }
        check(keepAliveSeconds >= 0 && keepAliveSeconds <= 65_535, "--keepalive: 0..65535 seconds");
        check(rampPerSecond > 0 && rampPerSecond <= 1_000_000, "--ramp: must be > 0 connections/s");
        check(publishPerSecond >= 0 && publishPerSecond <= 10_000, "--publish-rate: 0..10000 messages/s per vehicle");
        check(qos == MqttQoS.AT_MOST_ONCE || qos == MqttQoS.AT_LEAST_ONCE, "--qos: 0 or 1");
        check(payloadBytes >= 0 && payloadBytes <= MAX_PAYLOAD, "--payload-size: 0.." + MAX_PAYLOAD + " bytes");
        check(topicTemplate != null && !topicTemplate.isEmpty() && !topicTemplate.contains("+")
                && !topicTemplate.contains("#"), "--topic: a topic name without wildcards");
        check(messagesPerVehicle >= 0, "--messages: must not be negative");
        check(duration != null || messagesPerVehicle > 0,
                "--duration or --messages: a run needs an end (a duration, a message count per vehicle, or both)");
        check(duration == null || !duration.isNegative() && !duration.isZero(), "--duration: must be positive");
        check(messagesPerVehicle == 0 || publishPerSecond > 0, "--messages needs --publish-rate > 0");
        check(reconnectInterval == null || !reconnectInterval.isNegative() && !reconnectInterval.isZero(),
                "--reconnect-interval: must be positive");
        check(reconnectFraction >= 0 && reconnectFraction <= 1, "--reconnect-fraction: 0..1");
        check(reconnectInterval == null || reconnectFraction > 0,
                "--reconnect-fraction: must be > 0 with --reconnect-interval");
        check(reconnectWaves >= 0, "--reconnect-waves: must not be negative");
        check(maxInflight >= 1 && maxInflight <= MAX_INFLIGHT, "--max-inflight: 1.." + MAX_INFLIGHT);
        positive(connectTimeout, "--connect-timeout");
        positive(connackTimeout, "--connack-timeout");
        positive(pubackTimeout, "--puback-timeout");
        positive(drainTimeout, "--drain-timeout");
        check(retries >= 0, "--retries: must not be negative");
        positive(retryDelay, "--retry-delay");
        bindAddresses = List.copyOf(bindAddresses);
        check(threads >= 1 && threads <= 256, "--threads: 1..256");
        check(maxMessageBytes >= 1024, "max message size: at least 1024");
    }

    /** The topic of a vehicle. */
    public String topicFor(String vin) {
        return topicTemplate.replace("{VIN}", vin);
    }

    /** Nanoseconds between two publishes of a vehicle (0 when not publishing). */
    long publishIntervalNanos() {
        return publishPerSecond == 0 ? 0 : Math.max(1_000L, (long) (1_000_000_000L / publishPerSecond));
    }

    private static void positive(Duration d, String option) {
        check(d != null && !d.isNegative() && !d.isZero(), option + ": must be positive");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
