package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.web.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

/**
 * Issue 11 item 20, on a real PostgreSQL database of its own: every key-material and policy action is
 * in the audit log (escrow retrieval, profile changes, CRL issuance, the checkpoint key), and the chain
 * is anchored by checkpoints signed with a key the database cannot use, so that a row rewritten by the
 * database role, with every later unkeyed SM3 hash recomputed, is detected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIntegrityIT {

    private static final String ADMIN = "admin-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String OPERATOR = "operator-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String AUDITOR = "auditor-" + Long.toHexString(new SecureRandom().nextLong());
    private static final Actor ACTOR = new Actor("it", "operator");
    private static final String VIN = "LGMAUD00000000001";

    private TestDatabase db;
    private Path work;
    private ConfigurableApplicationContext node;
    private String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        db = new TestDatabase("pkica_test_");
        work = Files.createTempDirectory("pki-ca-audit-it");
        TestSupport.write(work.resolve("escrow.pem"),
                TestSupport.pem("PUBLIC KEY", TestSupport.sm2().getPublic().getEncoded()));
        node = node();
    }

    private ConfigurableApplicationContext node(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--logging.level.root=WARN",
                "--gmtls.db.mode=external", "--gmtls.db.url=" + db.url(), "--gmtls.db.pool-size=4",
                "--gmtls.ca.key-dir=" + work.resolve("keys"), "--gmtls.ca.key-passphrase=it-passphrase",
                "--gmtls.ca.bootstrap.mode=generate", "--gmtls.ca.escrow-certificate=" + work.resolve("escrow.pem"),
                "--gmtls.api-keys[0].name=admin", "--gmtls.api-keys[0].role=admin",
                "--gmtls.api-keys[0].sm3=" + ApiKeys.hash(ADMIN),
                "--gmtls.api-keys[1].name=ops", "--gmtls.api-keys[1].role=operator",
                "--gmtls.api-keys[1].sm3=" + ApiKeys.hash(OPERATOR),
                "--gmtls.api-keys[2].name=audit", "--gmtls.api-keys[2].role=auditor",
                "--gmtls.api-keys[2].sm3=" + ApiKeys.hash(AUDITOR)));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext ctx = PkiCaApplication.start(args.toArray(String[]::new));
        url = "http://127.0.0.1:" + ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return ctx;
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

    private record Row(long seq, String actor, String action, String target, String outcome, String detail) {
    }

    private List<Row> audit(String action) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, actor, action, target, outcome, detail FROM audit_event WHERE action = ? ORDER BY seq")) {
            ps.setString(1, action);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6)));
                }
            }
        }
        return rows;
    }

    private HttpResponse<String> call(String method, String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
                .header("X-API-Key", key).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void everyKeyMaterialAndPolicyActionIsAudited() throws Exception {
        // Profiles in force at first start: each one recorded with its definition.
        assertThat(audit("profile.change")).extracting(Row::target)
                .contains("vehicle-sign", "vehicle-enc", "gateway-sign", "ocsp-signer");
        // The checkpoint key was generated (in the key store, never the database).
        assertThat(audit("audit.checkpoint-key")).singleElement()
                .satisfies(r -> assertThat(r.detail()).startsWith("generated SM2 checkpoint key id="));
        assertThat(work.resolve("keys").resolve("audit-checkpoint.key")).exists();

        // Escrow retrieval: the key leaves the CA, the log says who took which one.
        VehicleDirectory vehicles = node.getBean(VehicleDirectory.class);
        vehicles.addModel(new VehicleModel("AUDMODEL", "audit model", false), ACTOR);
        vehicles.addVehicles(List.of(new Vehicle(VIN, "AUDMODEL")), ACTOR);
        VehicleCredentials pair = node.getBean(CertificateAuthority.class).issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN)), ACTOR);
        String enc = pair.encryption().serial();
        assertThat(call("GET", "/api/v1/admin/certificates/" + enc + "/escrow", ADMIN).statusCode()).isEqualTo(200);
        assertThat(audit("certificate.escrow.retrieve")).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo("admin");
            assertThat(r.target()).isEqualTo(enc);
            assertThat(r.outcome()).isEqualTo(AuditOutcome.SUCCESS.name());
        });
        String sign = pair.signing().serial();
        assertThat(call("GET", "/api/v1/admin/certificates/" + sign + "/escrow", ADMIN).statusCode()).isEqualTo(404);
        assertThat(audit("certificate.escrow.retrieve")).hasSize(2).last()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(AuditOutcome.FAILED.name()));

        // CRL issuance, on demand (and by the schedule): number, kind and size of each CRL signed.
        int before = audit("crl.publish").size();
        assertThat(call("POST", "/api/v1/admin/crl/sm2-issuing", OPERATOR).statusCode()).isEqualTo(200);
        List<Row> crls = audit("crl.publish");
        assertThat(crls.size()).isGreaterThan(before);
        assertThat(crls).last().satisfies(r -> {
            assertThat(r.target()).isEqualTo("sm2-issuing");
            assertThat(r.detail()).containsPattern("^(full|delta) number=\\d+").contains("entries=");
        });

        // A profile changed by configuration: recorded at the next start, with the new definition.
        node.close();
        node = node("--gmtls.profiles.vehicle-sign.validity=1000d");
        assertThat(audit("profile.change")).last().satisfies(r -> {
            assertThat(r.target()).isEqualTo("vehicle-sign");
            assertThat(r.detail()).contains("\"validityDays\":1000");
        });
    }

    @Test
    @Order(2)
    void aRowRewrittenWithARecomputedUnkeyedChainIsDetectedByTheSignedCheckpoint() throws Exception {
        assertThat(call("GET", "/api/v1/admin/audit/verify", AUDITOR).statusCode()).isEqualTo(200);
        // Stopping signs a checkpoint of the head (as the schedule does every interval).
        node.close();
        node = null;
        // The command checks the same, with the key directory and passphrase of the service.
        String[] command = {"--gmtls.db.mode=external", "--gmtls.db.url=" + db.url(), "--logging.level.root=WARN",
                "--spring.main.banner-mode=off", "--gmtls.ca.key-dir=" + work.resolve("keys"),
                "--gmtls.ca.key-passphrase=it-passphrase"};
        assertThat(new CommandLine(new PkiCaApplication.AuditVerify()).execute(command)).isZero();
        long target = audit("ca.bootstrap").get(0).seq();

        // The database role rewrites who bootstrapped the CA and recomputes every later hash.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update");
            List<Object[]> events = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT seq, at, actor, actor_role, action, target, outcome, detail,"
                    + " prev_hash FROM audit_event WHERE seq >= " + target + " ORDER BY seq")) {
                while (rs.next()) {
                    events.add(new Object[] {rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9)});
                }
            }
            String previous = (String) events.get(0)[8];
            long seq = 0;
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE audit_event SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (Object[] e : events) {
                    seq = (Long) e[0];
                    String actor = seq == target ? "someone-else" : (String) e[2];
                    String hash = AuditChain.hash(previous, seq, (Instant) e[1], actor, (String) e[3], (String) e[4],
                            (String) e[5], AuditOutcome.valueOf((String) e[6]), (String) e[7]);
                    update.setString(1, actor);
                    update.setString(2, previous);
                    update.setString(3, hash);
                    update.setLong(4, seq);
                    update.executeUpdate();
                    previous = hash;
                }
            }
            try (PreparedStatement head = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                head.setLong(1, seq);
                head.setString(2, previous);
                head.executeUpdate();
            }
            st.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update");
        }
        assertThat(audit("ca.bootstrap").get(0).actor()).isEqualTo("someone-else");
        assertThat(new CommandLine(new PkiCaApplication.AuditVerify()).execute(command)).isEqualTo(1);

        node = node();
        // The unkeyed chain alone no longer tells: the rewrite recomputed it.
        assertThat(node.getBean(PkiCaCoreConfiguration.PkiStores.class).audit().verify().intact()).isTrue();
        HttpResponse<String> verdict = call("GET", "/api/v1/admin/audit/verify", AUDITOR);
        assertThat(verdict.statusCode()).as(verdict.body()).isEqualTo(409);
        assertThat(verdict.body()).contains("signed checkpoint").contains("rewritten");
    }
}
