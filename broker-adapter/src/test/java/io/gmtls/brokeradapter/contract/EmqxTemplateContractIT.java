package io.gmtls.brokeradapter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.gmtls.brokeradapter.acl.Acl;
import io.gmtls.brokeradapter.authn.AuthnDecision;
import io.gmtls.brokeradapter.authn.AuthnRequest;
import io.gmtls.brokeradapter.authn.AuthnResponseParser;
import io.gmtls.brokeradapter.authn.ConcurrencyLimitedAuthenticator;
import io.gmtls.brokeradapter.authn.HttpCaAuthenticator;
import io.gmtls.brokeradapter.config.BrokerTarget;
import io.gmtls.brokeradapter.config.CaSettings;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateLimits;
import io.gmtls.brokeradapter.config.GatePolicy;
import io.gmtls.brokeradapter.gate.AuthGateServer;
import io.gmtls.brokeradapter.gate.GateMetrics;
import io.gmtls.brokeradapter.testing.TestMqttClient;
import io.gmtls.proxyprotocol.CertificateFacts;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ProxyHeaderEncoder;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.gmtls.testsupport.Mosquitto;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CA accepts exactly what {@code emqx/emqx.conf} makes EMQX send, and what the gate sends:
 * the templates are read from the shipped file, rendered as EMQX renders them (placeholders
 * replaced, undefined ones empty, JSON body, the configured headers) and posted to a real pki-ca on
 * a fresh PostgreSQL database; its answers are checked for allow/deny and for the EMQX 5 response
 * format, and read back by the gate's own parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmqxTemplateContractIT {

    private static final String VIN = "LGMGWT00000000001";
    private static final String REVOKED_VIN = "LGMGWT00000000002";
    private static final String UNENROLLED_VIN = "LGMGWT00000000003";
    private static final Path EMQX_CONF = Path.of("emqx/emqx.conf");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PkiCaInstance ca;
    private EmqxTemplate authn;
    private EmqxTemplate authz;
    private String serial;
    private String revokedSerial;

    @BeforeAll
    void start() throws Exception {
        authn = EmqxTemplate.read(EMQX_CONF, "authentication = [");
        authz = EmqxTemplate.read(EMQX_CONF, "authorization {");
        ca = PkiCaInstance.start();
        serial = ca.enrol(VIN);
        ca.enrol(UNENROLLED_VIN.replace('3', '4'));
        revokedSerial = ca.enrol(REVOKED_VIN);
        ca.revoke(revokedSerial);
        ca.enrol(UNENROLLED_VIN.replace('3', '5'));
        // UNENROLLED_VIN itself is neither registered nor enrolled.
    }

    @AfterAll
    void stop() throws Exception {
        if (ca != null) {
            ca.close();
        }
    }

    /** What EMQX knows of a vehicle behind the gateway's PPv2 header (no username, password or subject). */
    private static Map<String, String> behindPpv2(String clientId, String cn) {
        Map<String, String> v = new HashMap<>();
        v.put("clientid", clientId);
        v.put("peerhost", "10.9.8.7");
        v.put("cert_common_name", cn);
        return v;
    }

    /** The headers EMQX sends: the template's, with the operator's API key filled in. */
    private Map<String, String> headers(EmqxTemplate template) {
        Map<String, String> h = new HashMap<>();
        template.headers().forEach((k, v) -> h.put(k, v.startsWith("REPLACE-WITH") ? ca.brokerKey() : v));
        return h;
    }

    private HttpResponse<String> emqxAuthn(Map<String, String> values) throws Exception {
        return ca.send(authn.path(), headers(authn), authn.render(values));
    }

    private static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    private static AuthnDecision asTheGateReadsIt(HttpResponse<String> r) {
        return AuthnResponseParser.parse(r.statusCode(), r.headers().firstValue("Content-Type"),
                r.body().getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    @Test
    void theShippedTemplatesUseTheContractFields() {
        assertThat(authn.path()).isEqualTo("/api/v1/broker/authn");
        assertThat(authn.headers()).containsEntry("content-type", "application/json").containsKey("X-API-Key");
        assertThat(authn.body()).containsOnlyKeys("clientid", "username", "password", "peerhost", "cert_common_name",
                "cert_subject");
        assertThat(authn.placeholders()).containsExactlyInAnyOrder("clientid", "username", "password", "peerhost",
                "cert_common_name", "cert_subject");
        assertThat(authz.path()).isEqualTo("/api/v1/broker/authz");
        assertThat(authz.body()).containsOnlyKeys("clientid", "username", "topic", "action");
    }

    @Test
    void emqxBodyForAnEnrolledVehicleIsAllowedWithItsAcl() throws Exception {
        HttpResponse<String> r = emqxAuthn(behindPpv2(VIN, VIN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = json(r);
        assertThat(body.get("result").asString()).isEqualTo("allow");
        assertThat(body.get("is_superuser").isBoolean()).isTrue();
        assertThat(body.get("is_superuser").booleanValue()).isFalse();
        assertThat(body.get("acl").isArray()).isTrue();
        for (JsonNode rule : body.get("acl")) {
            assertThat(rule.get("permission").asString()).isIn("allow", "deny");
            assertThat(rule.get("action").asString()).isIn("publish", "subscribe", "all");
            assertThat(rule.get("topic").isString()).isTrue();
        }
        // The gate reads the same answer into the same decision, and its ACL confines the vehicle.
        AuthnDecision decision = asTheGateReadsIt(r);
        assertThat(decision).isInstanceOf(AuthnDecision.Allow.class);
        Acl acl = ((AuthnDecision.Allow) decision).acl().orElseThrow();
        assertThat(acl.permitsPublish("vehicle/" + VIN + "/telemetry", 1, false)).isTrue();
        assertThat(acl.permitsSubscribe("vehicle/" + VIN + "/cmd/#", 1)).isTrue();
        assertThat(acl.permitsPublish("vehicle/" + REVOKED_VIN + "/telemetry", 1, false)).isFalse();
        assertThat(acl.permitsSubscribe("vehicle/#", 0)).isFalse();

        // With EMQX's peer_cert_as_username = cn the username is the VIN: still allowed.
        Map<String, String> withUsername = behindPpv2(VIN, VIN);
        withUsername.put("username", VIN);
        assertThat(json(emqxAuthn(withUsername)).get("result").asString()).isEqualTo("allow");
    }

    @Test
    void emqxBodiesThatMustBeDeniedAreDenied() throws Exception {
        Map<String, Map<String, String>> cases = Map.of(
                "CN not bound to the client id", behindPpv2(REVOKED_VIN.replace('2', '4'), VIN),
                "revoked certificate", behindPpv2(REVOKED_VIN, REVOKED_VIN),
                "unknown CN", behindPpv2(UNENROLLED_VIN, UNENROLLED_VIN),
                "no certificate (plain TCP behind PPv2)", behindPpv2(VIN, ""),
                "username of another vehicle", withUsername(behindPpv2(VIN, VIN), REVOKED_VIN));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            HttpResponse<String> r = emqxAuthn(c.getValue());
            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(json(r).get("result").asString()).as(c.getKey()).isEqualTo("deny");
            assertThat(asTheGateReadsIt(r)).as(c.getKey()).isInstanceOf(AuthnDecision.Deny.class);
        }
    }

    private static Map<String, String> withUsername(Map<String, String> values, String username) {
        values.put("username", username);
        return values;
    }

    @Test
    void withoutTheBrokerApiKeyTheCaRefusesTheCall() throws Exception {
        HttpResponse<String> r = ca.send(authn.path(), Map.of("content-type", "application/json"),
                authn.render(behindPpv2(VIN, VIN)));
        assertThat(r.statusCode()).isEqualTo(401);
        // To EMQX a 401 is "ignore" (the chain then refuses); to the gate it is "CA unavailable".
        assertThat(asTheGateReadsIt(r)).isInstanceOf(AuthnDecision.Unavailable.class);
    }

    @Test
    void emqxAuthzBodyIsAnswered() throws Exception {
        Map<String, String> own = Map.of("clientid", VIN, "topic", "vehicle/" + VIN + "/telemetry", "action", "publish");
        Map<String, String> other = Map.of("clientid", VIN, "topic", "vehicle/" + REVOKED_VIN + "/telemetry",
                "action", "publish");
        HttpResponse<String> allowed = ca.send(authz.path(), headers(authz), authz.render(own));
        HttpResponse<String> denied = ca.send(authz.path(), headers(authz), authz.render(other));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(allowed).get("result").asString()).isEqualTo("allow");
        assertThat(json(denied).get("result").asString()).isEqualTo("deny");
    }

    @Test
    void theGatesOwnRequestIsAcceptedWithTheSerial() throws Exception {
        CaSettings settings = new CaSettings(ca.authnUrl(), Duration.ofSeconds(10), 64 * 1024, 4, Optional.of(ca.brokerKey()));
        HttpCaAuthenticator gate = new HttpCaAuthenticator(settings);
        AuthnDecision exact = gate.authenticate(new AuthnRequest(VIN, "", "", "10.9.8.7", VIN, "", Optional.of(serial)))
                .toCompletableFuture().get();
        assertThat(exact).isInstanceOf(AuthnDecision.Allow.class);
        AuthnDecision wrongSerial = gate.authenticate(
                new AuthnRequest(VIN, "", "", "10.9.8.7", VIN, "", Optional.of(revokedSerial))).toCompletableFuture().get();
        assertThat(wrongSerial).isInstanceOf(AuthnDecision.Deny.class);
        AuthnDecision revoked = gate.authenticate(
                new AuthnRequest(REVOKED_VIN, "", "", "10.9.8.7", REVOKED_VIN, "", Optional.of(revokedSerial)))
                .toCompletableFuture().get();
        assertThat(revoked).isInstanceOf(AuthnDecision.Deny.class);
    }

    @Test
    void gateWithTheRealCaAndMosquittoRelaysTheEnrolledVehicleOnly() throws Exception {
        InetSocketAddress mosquitto = Mosquitto.shared();
        GateConfig config = new GateConfig(new InetSocketAddress("127.0.0.1", 0), GatewayAllowList.of("127.0.0.1"),
                ReceiverSettings.defaults(), new BrokerTarget("127.0.0.1", mosquitto.getPort(), Duration.ofSeconds(2)),
                new CaSettings(ca.authnUrl(), Duration.ofSeconds(10), 64 * 1024, 16, Optional.of(ca.brokerKey())),
                new GateLimits(100, Duration.ofSeconds(10), 4096, 1024 * 1024, 65536),
                new GatePolicy(true, true, true, false), Optional.empty());
        String topic = "vehicle/" + VIN + "/contract-" + UUID.randomUUID();
        try (AuthGateServer gate = AuthGateServer.start(config,
                new ConcurrencyLimitedAuthenticator(new HttpCaAuthenticator(config.ca()), 16),
                new GateMetrics(new SimpleMeterRegistry()), 1);
             TestMqttClient watcher = TestMqttClient.connect(mosquitto);
             TestMqttClient vehicle = TestMqttClient.connect(gate.boundAddress());
             TestMqttClient revoked = TestMqttClient.connect(gate.boundAddress())) {
            watcher.write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, "contract-" + UUID.randomUUID(), null, null))
                    .write(TestMqttClient.subscribe(topic, MqttQoS.AT_LEAST_ONCE, 1)).flush();
            watcher.await(MqttMessageType.SUBACK, 5);

            vehicle.write(header(VIN, serial)).write(TestMqttClient.connectMessage(MqttVersion.MQTT_5, VIN, null, null))
                    .write(TestMqttClient.publish(topic, MqttQoS.AT_LEAST_ONCE, 1, "from the enrolled vehicle")).flush();
            assertThat(vehicle.awaitConnAck(10).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            MqttPublishMessage received = (MqttPublishMessage) watcher.await(MqttMessageType.PUBLISH, 5);
            assertThat(received.payload().toString(StandardCharsets.UTF_8)).isEqualTo("from the enrolled vehicle");

            revoked.write(header(REVOKED_VIN, revokedSerial))
                    .write(TestMqttClient.connectMessage(MqttVersion.MQTT_3_1_1, REVOKED_VIN, null, null)).flush();
            assertThat(revoked.awaitConnAck(10).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        }
    }

    private static byte[] header(String cn, String serialHex) {
        String unsigned = new java.math.BigInteger(serialHex, 16).toString(16);
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress("10.9.8.7", 40123))
                .destination(new InetSocketAddress("10.0.0.1", 8883))
                .protocol("TLCPv1.1").cipher("ECC-SM2-SM4-GCM-SM3")
                .connectionId(ConnectionId.of("gw1-contract"))
                .clientCertificate(new CertificateFacts(Optional.of(cn), unsigned,
                        "6e0f9e14344c5406a0cf5a3b4dfb665f87f4a771a31f7edbb5c72874a32b2957",
                        "CN=GM TLS SM2 Issuing CA,O=GM TLS,C=CN", "SM2-with-SM3", "SM2"), 0)
                .build();
        return new ProxyHeaderEncoder(HeaderOptions.defaults()).encode(facts).bytes();
    }
}
