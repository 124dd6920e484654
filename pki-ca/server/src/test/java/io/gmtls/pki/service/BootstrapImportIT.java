package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.EnrollmentTokens.TokenStatus;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.testsupport.TestDatabase;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bootstrap from a certs-dev folder with its end-entity certificates, on a real PostgreSQL database
 * of its own: the broker authenticator then knows the folder's vehicles, revoked vehicle and per-model
 * certificate; a restart with the same folder changes nothing; the admin import endpoint; the model's
 * enrollment switch and the token-state query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapImportIT {

    private static final String OPERATOR = "operator-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String BROKER = "broker-" + Long.toHexString(new SecureRandom().nextLong());

    private TestDatabase db;
    private Path work;
    private DevPki pki;
    private ConfigurableApplicationContext node;
    private String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    void start() throws Exception {
        db = new TestDatabase("pkica_test_");
        work = Files.createTempDirectory("pki-ca-import-it");
        pki = DevPkiGenerator.write(work.resolve("dev-pki"), DevPkiOptions.defaults().withVehicles(2));
        node = node();
        url = "http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort();
        awaitStartupCrls();
    }

    /**
     * Waits for the CRL scheduler's first run (full + delta CRL of every issuing CA), which starts with
     * the node and shares its connection pool: the pool-usage test must not count its connections.
     */
    private void awaitStartupCrls() throws Exception {
        String published = "SELECT (SELECT count(*) FROM ca WHERE role = 'ISSUING') * 2 <= (SELECT count(*) FROM crl)";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery(published)) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the startup CRLs were not published within 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private ConfigurableApplicationContext node() {
        return PkiCaApplication.start("--server.port=0", "--logging.level.root=WARN",
                "--gmtls.db.mode=external", "--gmtls.db.url=" + db.url(), "--gmtls.db.pool-size=4",
                "--gmtls.ca.key-dir=" + work.resolve("keys"), "--gmtls.ca.key-passphrase=it-passphrase",
                "--gmtls.ca.bootstrap.mode=import", "--gmtls.ca.bootstrap.import-dir=" + work.resolve("dev-pki"),
                "--gmtls.broker.cache-ttl=0s",
                "--gmtls.api-keys[0].name=ops", "--gmtls.api-keys[0].role=operator",
                "--gmtls.api-keys[0].sm3=" + ApiKeys.hash(OPERATOR),
                "--gmtls.api-keys[1].name=emqx", "--gmtls.api-keys[1].role=broker",
                "--gmtls.api-keys[1].sm3=" + ApiKeys.hash(BROKER));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String key, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String authn(String clientId, X509Certificate cert, boolean withSerial) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("clientid", clientId);
        body.put("username", "");
        body.put("password", "");
        body.put("peerhost", "10.0.0.7");
        String cn = cert.getSubjectX500Principal().getName().replaceAll(".*CN=([^,]+).*", "$1");
        body.put("cert_common_name", cn);
        body.put("cert_subject", cert.getSubjectX500Principal().getName());
        if (withSerial) {
            body.put("cert_serial", cert.getSerialNumber().toString(16));
        }
        HttpResponse<String> r = call("POST", "/api/v1/broker/authn", BROKER, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).get("result").asString();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String text(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String hex(X509Certificate c) {
        return c.getSerialNumber().toString(16);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void importsEveryEndEntityCertificateWithItsProfileAndStatus() throws Exception {
        Vehicle v1 = pki.vehicles().get(0);
        Vehicle revoked = pki.revokedVehicle();
        Map<X509Certificate, String> expected = new LinkedHashMap<>();
        for (Vehicle v : pki.vehicles()) {
            expected.put(v.sign().certificate(), "vehicle-sign");
            expected.put(v.enc().certificate(), "vehicle-enc");
            expected.put(v.ecdsa().certificate(), "vehicle-tls-ecdsa");
        }
        expected.put(revoked.sign().certificate(), "vehicle-sign");
        expected.put(revoked.enc().certificate(), "vehicle-enc");
        expected.put(revoked.ecdsa().certificate(), "vehicle-tls-ecdsa");
        expected.put(pki.modelSign().certificate(), "model-sign");
        expected.put(pki.modelEnc().certificate(), "model-enc");
        expected.put(pki.gatewaySign().certificate(), "gateway-sign");
        expected.put(pki.gatewayEnc().certificate(), "gateway-enc");
        expected.put(pki.gatewaySm2Tls().certificate(), "gateway-tls");
        expected.put(pki.ecdsaGateway().certificate(), "gateway-tls-ecdsa");
        for (var e : expected.entrySet()) {
            String serial = hex(e.getKey());
            assertThat(text("SELECT profile FROM certificate WHERE serial = '" + serial + "'")).as(e.getValue())
                    .isEqualTo(e.getValue());
        }
        // 15 imported + 2 OCSP signers issued by the CA itself
        assertThat(count("SELECT count(*) FROM certificate")).isEqualTo(expected.size() + 2);
        assertThat(count("SELECT count(*) FROM certificate WHERE status = 'REVOKED'")).isEqualTo(3);
        for (X509Certificate c : List.of(revoked.sign().certificate(), revoked.enc().certificate(),
                revoked.ecdsa().certificate())) {
            // reason as in the folder's CRL: keyCompromise (1)
            assertThat(count("SELECT count(*) FROM revocation WHERE serial = '" + hex(c) + "' AND reason = 1"))
                    .isEqualTo(1);
        }
        assertThat(text("SELECT vin FROM certificate WHERE serial = '" + hex(v1.sign().certificate()) + "'"))
                .isEqualTo(v1.vin());
        assertThat(text("SELECT model_code FROM certificate WHERE serial = '" + hex(pki.modelSign().certificate()) + "'"))
                .isEqualTo(pki.modelCode());
        assertThat(text("SELECT per_model_allowed::text FROM vehicle_model WHERE code = '" + pki.modelCode() + "'"))
                .isEqualTo("true");
        assertThat(count("SELECT count(*) FROM vehicle WHERE model_code = '" + pki.modelCode() + "'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'certificate.import'")).isEqualTo(expected.size());
        assertThat(node.getBean(PkiCaCoreConfiguration.PkiStores.class).audit().verify().intact()).isTrue();
    }

    /**
     * An uncached authn (this node runs with cache-ttl 0s) reads everything it decides on in one
     * query: one pooled connection per request, for a vehicle certificate by serial or by CN only,
     * and for a per-model certificate (certificate, model and vehicle).
     */
    @Test
    @Order(1)
    void anUncachedAuthnTakesOnePooledConnection() throws Exception {
        Timer usage = node.getBean(MeterRegistry.class).find("hikaricp.connections.usage").tag("pool", "pki-ca").timer();
        assertThat(usage).as("HikariCP usage timer").isNotNull();
        Vehicle v = pki.vehicles().get(0);
        for (boolean withSerial : new boolean[] {true, false}) {
            long before = usage.count();
            assertThat(authn(v.vin(), v.sign().certificate(), withSerial)).isEqualTo("allow");
            assertThat(usage.count() - before).as("connections, serial=" + withSerial).isEqualTo(1);
        }
        long before = usage.count();
        // Issue 13: the imported vehicle has its own certificate, so the per-model one no longer stands for it;
        // its certificates' state is read in the same statement.
        assertThat(authn(pki.vehicles().get(1).vin(), pki.modelSign().certificate(), true)).isEqualTo("deny");
        assertThat(usage.count() - before).as("connections, per-model").isEqualTo(1);
        before = usage.count();
        assertThat(authn(pki.revokedVehicle().vin(), pki.revokedVehicle().sign().certificate(), true)).isEqualTo("deny");
        assertThat(usage.count() - before).as("connections, revoked").isEqualTo(1);
    }

    @Test
    @Order(2)
    void brokerAuthnKnowsTheFolderVehiclesTheRevokedOneAndTheModel() throws Exception {
        Vehicle v1 = pki.vehicles().get(0);
        Vehicle v2 = pki.vehicles().get(1);
        X509Certificate sign1 = v1.sign().certificate();
        assertThat(authn(v1.vin(), sign1, true)).isEqualTo("allow");
        assertThat(authn(v1.vin(), sign1, false)).isEqualTo("allow");
        assertThat(authn(v1.vin(), v1.ecdsa().certificate(), true)).isEqualTo("allow");
        assertThat(authn(v2.vin(), sign1, true)).isEqualTo("deny"); // CN is not the client id
        assertThat(authn(v1.vin(), v1.enc().certificate(), true)).isEqualTo("deny"); // not a client certificate
        Vehicle revoked = pki.revokedVehicle();
        assertThat(authn(revoked.vin(), revoked.sign().certificate(), true)).isEqualTo("deny");
        assertThat(authn(revoked.vin(), revoked.sign().certificate(), false)).isEqualTo("deny");
        // per-model (一型一密): the model certificate with a VIN of the model as client id — only for a VIN
        // without a usable certificate of its own (issue 13); every imported VIN has one.
        X509Certificate model = pki.modelSign().certificate();
        assertThat(authn(v2.vin(), model, true)).isEqualTo("deny");
        assertThat(authn(v2.vin(), model, false)).isEqualTo("deny");
        assertThat(authn("LGMXXX00000000009", model, true)).isEqualTo("deny"); // VIN not registered

        // the CA's own CRL lists the imported revocations
        HttpResponse<byte[]> crl = http.send(HttpRequest.newBuilder(URI.create(url + "/crl/sm2-issuing.crl")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(crl.statusCode()).isEqualTo(200);
        X509CRL parsed = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509", GmCrypto.provider())
                .generateCRL(new java.io.ByteArrayInputStream(crl.body()));
        assertThat(parsed.getRevokedCertificate(revoked.sign().certificate().getSerialNumber())).isNotNull();
        assertThat(parsed.getRevokedCertificate(sign1.getSerialNumber())).isNull();
    }

    @Test
    @Order(3)
    void aSecondStartWithTheSameFolderChangesNothing() throws Exception {
        long certificates = count("SELECT count(*) FROM certificate");
        long vehicles = count("SELECT count(*) FROM vehicle");
        // Every start signs (and audits) fresh CRLs: those events are not a change of the imported data.
        String changes = "SELECT count(*) FROM audit_event WHERE action <> 'crl.publish'";
        long events = count(changes);
        // the operator changed the model since: a restart must not undo it
        HttpResponse<String> off = call("PUT", "/api/v1/admin/models/" + pki.modelCode() + "/mode", OPERATOR,
                Map.of("perModelAllowed", false));
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        events++;
        ConfigurableApplicationContext second = node();
        second.close();
        assertThat(count("SELECT count(*) FROM certificate")).isEqualTo(certificates);
        assertThat(count("SELECT count(*) FROM vehicle")).isEqualTo(vehicles);
        assertThat(count(changes)).isEqualTo(events);
        assertThat(text("SELECT per_model_allowed::text FROM vehicle_model WHERE code = '" + pki.modelCode() + "'"))
                .isEqualTo("false");
        assertThat(authn(pki.vehicles().get(1).vin(), pki.modelSign().certificate(), true)).isEqualTo("deny");
        assertThat(call("PUT", "/api/v1/admin/models/" + pki.modelCode() + "/mode", OPERATOR,
                Map.of("perModelAllowed", true)).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void adminImportTakesACertificateOfOurIssuingCaOnce() throws Exception {
        KeyPair key = TestSupport.sm2();
        X509Certificate gateway = signedByDevIssuingCa(pki, key, "gw2.example.test");
        String pem = TestSupport.pem("CERTIFICATE", gateway.getEncoded());
        long events = count("SELECT count(*) FROM audit_event");
        HttpResponse<String> created = call("POST", "/api/v1/admin/certificates/import", OPERATOR, Map.of("certificate", pem));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode view = json.readTree(created.body());
        assertThat(view.get("profile").asString()).isEqualTo("gateway-sign");
        assertThat(view.get("serial").asString()).isEqualTo(hex(gateway));
        assertThat(view.get("status").asString()).isEqualTo("VALID");
        assertThat(count("SELECT count(*) FROM audit_event")).isEqualTo(events + 1);

        HttpResponse<String> again = call("POST", "/api/v1/admin/certificates/import", OPERATOR, Map.of("certificate", pem));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("already known");

        // the profile named explicitly must fit: a signing certificate is no encryption certificate
        KeyPair other = TestSupport.sm2();
        String otherPem = TestSupport.pem("CERTIFICATE", signedByDevIssuingCa(pki, other, "gw3.example.test").getEncoded());
        HttpResponse<String> misfit = call("POST", "/api/v1/admin/certificates/import", OPERATOR,
                Map.of("certificate", otherPem, "profile", "vehicle-sign"));
        assertThat(misfit.statusCode()).as(misfit.body()).isEqualTo(400);
        assertThat(misfit.body()).contains("does not fit profile vehicle-sign");

        // another hierarchy's certificate, garbage, the wrong role
        DevPki foreign = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));
        HttpResponse<String> stranger = call("POST", "/api/v1/admin/certificates/import", OPERATOR, Map.of("certificate",
                TestSupport.pem("CERTIFICATE", foreign.gatewaySign().certificate().getEncoded())));
        assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(400);
        assertThat(stranger.body()).contains("not signed by an issuing CA");
        HttpResponse<String> garbage = call("POST", "/api/v1/admin/certificates/import", OPERATOR,
                Map.of("certificate", "MIIBAgarbage"));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).doesNotContain("Exception");
        assertThat(call("POST", "/api/v1/admin/certificates/import", BROKER, Map.of("certificate", pem)).statusCode())
                .isEqualTo(403);
        assertThat(count("SELECT count(*) FROM audit_event")).isEqualTo(events + 1);
    }

    @Test
    @Order(5)
    void modelEnrollmentSwitchAndTokenStates() throws Exception {
        String code = pki.modelCode();
        HttpResponse<String> off = call("PUT", "/api/v1/admin/models/" + code + "/enrollment", OPERATOR,
                Map.of("enrollmentAllowed", false));
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(json.readTree(off.body()).get("enrollmentAllowed").asBoolean()).isFalse();
        assertThat(text("SELECT enrollment_allowed::text FROM vehicle_model WHERE code = '" + code + "'")).isEqualTo("false");
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'model.enrollment' AND target = '" + code + "'"))
                .isEqualTo(1);
        assertThat(call("PUT", "/api/v1/admin/models/" + code + "/enrollment", OPERATOR, Map.of()).statusCode())
                .isEqualTo(400);
        assertThat(call("PUT", "/api/v1/admin/models/NOSUCHMODEL/enrollment", OPERATOR,
                Map.of("enrollmentAllowed", true)).statusCode()).isEqualTo(404);
        HttpResponse<String> created = call("POST", "/api/v1/admin/models", OPERATOR,
                Map.of("code", "CLOSED01", "perModelAllowed", false, "enrollmentAllowed", false));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(text("SELECT enrollment_allowed::text FROM vehicle_model WHERE code = 'CLOSED01'")).isEqualTo("false");
        assertThat(call("POST", "/api/v1/admin/models", OPERATOR, Map.of("code", "OPEN01")).statusCode()).isEqualTo(201);
        assertThat(text("SELECT enrollment_allowed::text FROM vehicle_model WHERE code = 'OPEN01'")).isEqualTo("true");

        EnrollmentTokens tokens = node.getBean(EnrollmentTokens.class);
        String vin = pki.vehicles().get(0).vin();
        Actor actor = new Actor("it", "test");
        String token = tokens.issue(vin, Duration.ofMinutes(5), actor);
        var valid = tokens.state(token);
        assertThat(valid.status()).isEqualTo(TokenStatus.VALID);
        assertThat(valid.vin()).isEqualTo(vin);
        assertThat(tokens.consume(token, actor)).contains(vin);
        assertThat(tokens.state(token).status()).isEqualTo(TokenStatus.USED);
        String expiring = tokens.issue(vin, Duration.ofMinutes(5), actor);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE enrollment_credential SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL");
        }
        assertThat(tokens.state(expiring).status()).isEqualTo(TokenStatus.EXPIRED);
        assertThat(tokens.state(expiring).vin()).isEqualTo(vin);
        assertThat(tokens.state("no-such-token").status()).isEqualTo(TokenStatus.UNKNOWN);
        assertThat(tokens.state("x".repeat(10_000)).status()).isEqualTo(TokenStatus.UNKNOWN);
        assertThat(tokens.state(null).status()).isEqualTo(TokenStatus.UNKNOWN);
    }

    /** A gateway signing certificate signed with the folder's issuing CA key, outside the service. */
    static X509Certificate signedByDevIssuingCa(DevPki pki, KeyPair subjectKey, String host) throws Exception {
        X509Certificate issuer = pki.sm2Issuing().certificate();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(120, new SecureRandom()).setBit(119), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("C=CN, O=GM TLS Dev, CN=" + host),
                subjectKey.getPublic());
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(builder.build(
                new JcaContentSignerBuilder("SM3withSM2").setProvider(GmCrypto.provider())
                        .build(pki.sm2Issuing().privateKey())));
    }
}
