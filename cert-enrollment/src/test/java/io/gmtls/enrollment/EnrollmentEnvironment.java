package io.gmtls.enrollment;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.IssueRequest;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One test environment per JVM, shared by the integration tests: a fresh PostgreSQL database (dropped at
 * exit), a certs-dev PKI on disk, and an enrollment node whose CA was imported from that PKI. Models and
 * VINs are registered in the CA; the per-model certificates are the dev PKI's model keys certified by the
 * CA (so that the CA knows their serials). Every test takes fresh VINs.
 */
final class EnrollmentEnvironment {

    static final String MODEL = "GMTDEV01";
    static final String OTHER_MODEL = "GMTOTHER";
    static final String CLOSED_MODEL = "GMTCLOSED";
    static final Actor ADMIN = new Actor("test-admin", "operator");

    private static EnrollmentEnvironment instance;

    final TestDatabase db;
    final Path dir;
    final DevPki pki;
    final ConfigurableApplicationContext node;
    final int port;
    final CertificateAuthority ca;
    final VehicleDirectory vehicles;
    final EnrollmentTokens tokens;
    final PkiStores stores;
    final ModelCredential model;
    final ModelCredential otherModel;
    final ModelCredential closedModel;
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private final AtomicInteger vins = new AtomicInteger();

    /** A per-model certificate pair and keys, as a T-Box of that model holds them. */
    record ModelCredential(String code, X509Certificate sign, PrivateKey signKey, X509Certificate enc, PrivateKey encKey,
            List<X509Certificate> signChain) {
    }

    static synchronized EnrollmentEnvironment get() throws Exception {
        if (instance == null) {
            TestDatabase db = new TestDatabase("enroll_test_");
            try {
                instance = new EnrollmentEnvironment(db);
            } catch (Exception | Error e) {
                // A node that failed to start must not leave its database behind.
                try {
                    db.close();
                } catch (Exception dropFailure) {
                    e.addSuppressed(dropFailure);
                }
                throw e;
            }
            EnrollmentEnvironment env = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(env::close, "enrollment-test-cleanup"));
        }
        return instance;
    }

    private EnrollmentEnvironment(TestDatabase db) throws Exception {
        this.db = db;
        dir = Files.createTempDirectory("cert-enrollment-it");
        pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(1));
        node = startNode("import");
        port = port(node);
        ca = node.getBean(CertificateAuthority.class);
        vehicles = node.getBean(VehicleDirectory.class);
        tokens = node.getBean(EnrollmentTokens.class);
        stores = node.getBean(PkiStores.class);

        vehicles.addModel(new VehicleModel(MODEL, "dev model", true), ADMIN);
        vehicles.addModel(new VehicleModel(OTHER_MODEL, "other model", false), ADMIN);
        vehicles.addModel(new VehicleModel(CLOSED_MODEL, "closed model", true), ADMIN);
        model = certify(MODEL, new KeyPair(pki.modelSign().certificate().getPublicKey(), pki.modelSign().privateKey()),
                new KeyPair(pki.modelEnc().certificate().getPublicKey(), pki.modelEnc().privateKey()));
        otherModel = certify(OTHER_MODEL, Csrs.sm2(), Csrs.sm2());
        closedModel = certify(CLOSED_MODEL, Csrs.sm2(), Csrs.sm2());
        vehicles.setEnrollmentAllowed(CLOSED_MODEL, false, ADMIN);
    }

    /** Starts an enrollment node on the test database; the first imports the CA from the dev PKI. */
    ConfigurableApplicationContext startNode(String bootstrap, String... extra) {
        CaNodeArgs args = CaNodeArgs.onDatabase(db.url(), 8).loopback()
                .set("logging.level.root", "WARN")
                .caKeys(dir.resolve("keys"), "it-passphrase")
                .set("gmtls.ca.public-url", "http://pki.example.test")
                .bootstrap(bootstrap)
                // The CA certificates only: the tests register models and certify the model keys themselves.
                .importFrom(dir.resolve("pki"), false)
                .set("gmtls.enrollment.gateways", "127.0.0.1")
                .set("gmtls.enrollment.renewal.overlap", "0s")
                .with(extra);
        ConfigurableApplicationContext ctx = EnrollmentApplication.start(args.toArray());
        synchronized (nodes) {
            nodes.add(ctx);
        }
        return ctx;
    }

    static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    /** The CA certifies a model's signing and encryption keys (the dev PKI's, or fresh ones). */
    private ModelCredential certify(String code, KeyPair sign, KeyPair enc) throws Exception {
        IssuedCertificate s = ca.issue(new IssueRequest("model-sign", null, sign.getPublic().getEncoded(), code, null),
                ADMIN);
        IssuedCertificate e = ca.issue(new IssueRequest("model-enc", null, enc.getPublic().getEncoded(), code, null),
                ADMIN);
        X509Certificate signCert = Csrs.certificate(s.der());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(signCert);
        chain.addAll(ca.chain(s.caName()));
        return new ModelCredential(code, signCert, sign.getPrivate(), Csrs.certificate(e.der()), enc.getPrivate(),
                List.copyOf(chain));
    }

    /** A fresh VIN registered to a model. */
    String newVin(String modelCode) {
        String vin = "LGMTST" + String.format("%011d", vins.incrementAndGet());
        vehicles.addVehicles(List.of(new Vehicle(vin, modelCode)), ADMIN);
        return vin;
    }

    /** A fresh VIN registered nowhere. */
    String unregisteredVin() {
        return "LGMTSX" + String.format("%011d", vins.incrementAndGet());
    }

    String token(String vin) {
        return tokens.issue(vin, Duration.ofHours(1), ADMIN);
    }

    /** Row counts of every table a request could change. */
    Map<String, Long> counts() throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        String[][] queries = {
                {"certificate", "SELECT count(*) FROM certificate"},
                {"revocation", "SELECT count(*) FROM revocation"},
                {"crl", "SELECT count(*) FROM crl"},
                {"vehicle", "SELECT count(*) FROM vehicle"},
                {"vehicle_model", "SELECT count(*) FROM vehicle_model"},
                {"tokens_used", "SELECT count(*) FROM enrollment_credential WHERE used_at IS NOT NULL"},
                {"tokens", "SELECT count(*) FROM enrollment_credential"},
                {"enrollment_record", "SELECT count(*) FROM enrollment_record"},
                {"enrollment_supersede", "SELECT count(*) FROM enrollment_supersede"},
                {"models_enrolling", "SELECT count(*) FROM vehicle_model WHERE enrollment_allowed"},
        };
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String[] q : queries) {
                try (ResultSet rs = st.executeQuery(q[1])) {
                    rs.next();
                    out.put(q[0], rs.getLong(1));
                }
            }
        }
        return out;
    }

    long auditHead() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT seq FROM audit_head")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One audit row. */
    record AuditRow(long seq, String actor, String action, String target, String outcome, String detail) {
    }

    List<AuditRow> auditSince(long seq) throws Exception {
        List<AuditRow> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT seq, actor, action, target, outcome, detail FROM audit_event"
                        + " WHERE seq > " + seq + " ORDER BY seq")) {
            while (rs.next()) {
                rows.add(new AuditRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)));
            }
        }
        return rows;
    }

    /** Runs one SQL statement on the test database (test set-up only). */
    void sql(String statement) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    void stop(ConfigurableApplicationContext ctx) {
        synchronized (nodes) {
            nodes.remove(ctx);
        }
        ctx.close();
    }

    private void close() {
        synchronized (nodes) {
            for (ConfigurableApplicationContext ctx : nodes) {
                try {
                    ctx.close();
                } catch (RuntimeException e) {
                    // exiting anyway
                }
            }
        }
        try {
            db.close();
        } catch (Exception e) {
            System.err.println("could not drop the test database: " + e.getMessage());
        }
    }
}
