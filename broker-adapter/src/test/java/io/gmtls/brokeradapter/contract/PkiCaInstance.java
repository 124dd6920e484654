package io.gmtls.brokeradapter.contract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real pki-ca for the contract tests, started the way its own integration test starts it: on a
 * fresh PostgreSQL database of its own (127.0.0.1:5432, from {@code GMTLS_TEST_JDBC_URL} /
 * {@code -Dgmtls.test.jdbc.url}) that is dropped on close, a generated SM2 hierarchy, an operator
 * and a broker API key. Vehicles are registered and enrolled through its admin REST API.
 */
final class PkiCaInstance implements AutoCloseable {

    static final String MODEL = "GMTDEV01";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final TestDatabase database;
    private final Path work;
    private final ConfigurableApplicationContext context;
    private final String baseUrl;
    private final String operatorKey = "operator-" + HexFormat.of().formatHex(bytes(16));
    private final String brokerKey = "broker-" + HexFormat.of().formatHex(bytes(16));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PkiCaInstance() throws Exception {
        database = new TestDatabase("gate_contract_");
        work = Files.createTempDirectory("gate-contract-ca");
        // Keep the test JVM's logging as it is: Spring Boot would otherwise reconfigure logback.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        try {
            context = PkiCaApplication.start(CaNodeArgs.onDatabase(database.url(), 4).loopback()
                    .set("spring.main.banner-mode", "off")
                    .caKeys(work.resolve("keys"), "contract-test")
                    .bootstrap("generate")
                    .set("gmtls.broker.cache-ttl", "0s")
                    .apiKey("ops", "operator", ApiKeys.hash(operatorKey))
                    .apiKey("broker", "broker", ApiKeys.hash(brokerKey))
                    .toArray());
        } catch (RuntimeException e) {
            dropDatabase();
            throw e;
        }
        baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        post("/api/v1/admin/models", Map.of("code", MODEL, "name", "Gate contract model", "perModelAllowed", false), 201);
    }

    static PkiCaInstance start() throws Exception {
        return new PkiCaInstance();
    }

    String baseUrl() {
        return baseUrl;
    }

    URI authnUrl() {
        return URI.create(baseUrl + "/api/v1/broker/authn");
    }

    String brokerKey() {
        return brokerKey;
    }

    /** Registers a vehicle and enrols it (SM2 signing key of its own, CSR); returns the signing certificate's serial. */
    String enrol(String vin) throws Exception {
        post("/api/v1/admin/vehicles", Map.of("vin", vin, "model", MODEL), 201);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
        generator.initialize(new ECGenParameterSpec("sm2p256v1"), RANDOM);
        KeyPair key = generator.generateKeyPair();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + vin), key.getPublic())
                .build(new JcaContentSignerBuilder("SM3withSM2").setProvider(BC).build(key.getPrivate()))
                .getEncoded();
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(csr)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        JsonNode pair = post("/api/v1/admin/vehicles/" + vin + "/credentials", Map.of("csr", pem), 201);
        return pair.get("signing").get("serial").asString();
    }

    void revoke(String serial) throws Exception {
        post("/api/v1/admin/certificates/" + serial + "/revoke", Map.of("reason", "keyCompromise"), 200);
    }

    /** POSTs raw bytes as EMQX or the gate would; {@code headers} as given. */
    HttpResponse<String> send(String path, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(String path, Object body, int expected) throws Exception {
        HttpResponse<String> r = send(path, Map.of("Content-Type", "application/json", "X-API-Key", operatorKey),
                JSON.writeValueAsBytes(body));
        if (r.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public void close() throws Exception {
        try {
            context.close();
        } finally {
            dropDatabase();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void dropDatabase() throws SQLException {
        database.close();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
