package io.gmtls.tboxsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tboxsim.enroll.EnrolledVehicle;
import io.gmtls.tboxsim.enroll.EnrollmentClient;
import io.gmtls.tboxsim.enroll.EnrollmentException;
import io.gmtls.tboxsim.testing.Cli;
import io.gmtls.tboxsim.testing.FakeEnrollmentService;
import io.gmtls.tboxsim.testing.TestGateway;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.testsupport.Mosquitto;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslProvider;
import tools.jackson.databind.JsonNode;

/**
 * {@code enroll} and {@code renew} over TLCP against a stand-in of cert-enrollment (ENROLL-API.md), and
 * the enrolled credentials then used by {@code connect} through the real gateway.
 */
class EnrollmentIT {

    @TempDir
    static Path dir;
    static DevPki pki;
    static Path pkiDir;
    static FakeEnrollmentService service;
    static Mosquitto broker;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        pkiDir = dir.resolve("pki");
        pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(1));
        service = new FakeEnrollmentService(pki);
        broker = Mosquitto.startPrivate("max_inflight_messages 0", "max_queued_messages 100000");
        gateway = TestGateway.start(dir, broker.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @BeforeEach
    void normal() {
        service.mode(FakeEnrollmentService.Mode.NORMAL);
    }

    @Test
    void enrollWithThePerModelCredentialThenConnectThroughTheGateway() throws Exception {
        Path out = dir.resolve("enrolled");
        Path json = dir.resolve("enroll.json");
        int before = service.callers.size();

        Cli.Result enrolled = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(), "--port", svc(),
                "--vin-prefix", "LGMENR", "-n", "3", "--out", out.toString(), "--json", json.toString());

        assertThat(enrolled.exit()).as(enrolled.toString()).isZero();
        assertThat(enrolled.out()).contains("LGMENR00000000001 enrolled", "3 enrolled (0 repeated), 0 skipped, 0 failed");
        assertThat(Cli.json(json).at("/succeeded").asInt()).isEqualTo(3);
        assertThat(service.callers.subList(before, service.callers.size())).containsOnly(pki.modelCode());
        CredentialFolder folder = new CredentialFolder(out, null);
        assertThat(folder.sm2Vins()).containsExactly("LGMENR00000000001", "LGMENR00000000002", "LGMENR00000000003");
        Sm2VehicleCredentials stored = folder.sm2Vehicle("LGMENR00000000002", pki.sm2Trust());
        assertThat(stored.signChain()).hasSize(2);
        assertThat(stored.signCert().getSubjectX500Principal().getName()).contains("CN=LGMENR00000000002");

        // A second run leaves existing vehicles alone.
        Cli.Result again = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(), "--port", svc(),
                "--vin-prefix", "LGMENR", "-n", "3", "--out", out.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("0 enrolled (0 repeated), 3 skipped");

        // The enrolled credentials work through the gateway (it requires and verifies client certificates).
        Path summary = dir.resolve("connect-enrolled.json");
        Cli.Result connected = Cli.run("connect", "-t", "tlcp", "--pki", pkiDir.toString(), "--credentials",
                out.toString(), "--port", String.valueOf(gateway.port()), "--messages", "2", "--publish-rate", "10",
                "--json", summary.toString(), "-q");
        assertThat(connected.exit()).as(connected.toString()).isZero();
        JsonNode s = Cli.json(summary);
        assertThat(s.at("/vehicles").asInt()).isEqualTo(3);
        assertThat(s.at("/connections/established").asInt()).isEqualTo(3);
        assertThat(s.at("/messages/acked").asInt()).isEqualTo(6);
    }

    @Test
    void renewWithTheVehiclesCurrentCredentialReplacesIt() throws Exception {
        Path creds = dir.resolve("to-renew");
        Cli.Result enrolled = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(), "--port", svc(),
                "--vin", "LGMRNW00000000001", "--out", creds.toString());
        assertThat(enrolled.exit()).as(enrolled.toString()).isZero();
        Path signCrt = creds.resolve("sm2/vehicles/LGMRNW00000000001-sign.crt");
        X509Certificate old = Pem.certificates(signCrt).get(0);
        int before = service.callers.size();

        Cli.Result renewed = Cli.run("renew", "-t", "tlcp", "--suite", "ECDHE_SM4_GCM_SM3", "--pki", pkiDir.toString(),
                "--credentials", creds.toString(), "--port", svc());

        assertThat(renewed.exit()).as(renewed.toString()).isZero();
        assertThat(renewed.out()).contains("LGMRNW00000000001 renewed", "1 renewed");
        assertThat(service.callers.subList(before, service.callers.size())).containsExactly("LGMRNW00000000001");
        X509Certificate now = Pem.certificates(signCrt).get(0);
        assertThat(now.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
        assertThat(now.getPublicKey()).isNotEqualTo(old.getPublicKey());
    }

    @Test
    void enrollWithATokenAndNoClientCertificate() throws Exception {
        service.token("LGMTKN00000000001", "one-time-123");
        int before = service.callers.size();

        Cli.Result result = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(),
                "--port", svc(), "--vin", "LGMTKN00000000001", "--token", "one-time-123", "--out",
                dir.resolve("tokens").toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(service.callers.subList(before, service.callers.size())).containsExactly("null");
    }

    @Test
    void aRefusalIsReportedWithTheProblemDetail() {
        service.mode(FakeEnrollmentService.Mode.FORBIDDEN);
        Path out = dir.resolve("refused");

        Cli.Result result = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(), "--port", svc(),
                "--vin", "LGMREF00000000001", "--out", out.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        assertThat(result.out()).contains(
                "LGMREF00000000001 failed: HTTP 403: Forbidden: VIN LGMREF00000000001 is not registered to this model",
                "1 failed", "http 403 vin-not-registered");
        assertThat(out.resolve("sm2/vehicles/LGMREF00000000001-sign.crt")).doesNotExist();
    }

    @Test
    void anEnvelopeThatDoesNotOpenWithOurKeyIsRefusedAndNothingIsStored() throws Exception {
        service.mode(FakeEnrollmentService.Mode.ENVELOPE_FOR_ANOTHER_KEY);
        try (EnrollmentClient client = client(0)) {
            assertThatThrownBy(() -> client.enroll(modelTransport(), "LGMENV00000000001", null))
                    .isInstanceOfSatisfying(EnrollmentException.class, e -> {
                        assertThat(e.kind()).isEqualTo(EnrollmentException.Kind.RESPONSE);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("encPrivateKeyEnvelope");
                    });
        }
        Path out = dir.resolve("bad-envelope");
        Cli.Result result = Cli.run("enroll", "-t", "tlcp", "--pki", pkiDir.toString(), "--port", svc(),
                "--vin", "LGMENV00000000002", "--out", out.toString());
        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).contains("invalid response");
        assertThat(out.resolve("sm2/vehicles")).doesNotExist();
    }

    @Test
    void aLostConnectionIsRetriedWithTheSameCsr() throws Exception {
        service.mode(FakeEnrollmentService.Mode.DROP_FIRST_REQUEST);
        int before = service.csrs.size();
        try (EnrollmentClient client = client(2)) {
            EnrolledVehicle vehicle = client.enroll(modelTransport(), "LGMRTY00000000001", null);
            assertThat(vehicle.vin()).isEqualTo("LGMRTY00000000001");
            assertThat(vehicle.repeated()).isFalse();
            assertThat(vehicle.caChain()).containsExactly(pki.sm2Issuing().certificate(), pki.sm2Root().certificate());
        }
        List<String> sent = new ArrayList<>(service.csrs.subList(before, service.csrs.size()));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).isEqualTo(sent.get(0));
    }

    @Test
    void aRateLimitIsWaitedOutAsTheServerAsks() throws Exception {
        service.mode(FakeEnrollmentService.Mode.RATE_LIMIT_FIRST_REQUEST);
        long start = System.nanoTime();
        try (EnrollmentClient client = client(1)) {
            assertThat(client.enroll(modelTransport(), "LGMRLM00000000001", null).vin()).isEqualTo("LGMRLM00000000001");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        service.mode(FakeEnrollmentService.Mode.RATE_LIMIT_FIRST_REQUEST);
        try (EnrollmentClient client = client(0)) {
            assertThatThrownBy(() -> client.enroll(modelTransport(), "LGMRLM00000000002", null))
                    .isInstanceOfSatisfying(EnrollmentException.class, e -> {
                        assertThat(e.status()).isEqualTo(429);
                        assertThat(e.retryAfterSeconds()).isEqualTo(1);
                        assertThat(e.cause()).isEqualTo("http 429 rate-limited");
                    });
        }
    }

    @Test
    void nothingListeningIsAConnectionFailure() throws Exception {
        EnrollmentClient.Endpoint endpoint = EnrollmentClient.Endpoint.of(new InetSocketAddress("127.0.0.1", 1),
                "localhost");
        try (EnrollmentClient client = new EnrollmentClient(endpoint, 0)) {
            assertThatThrownBy(() -> client.enroll(modelTransport(), "LGMNLS00000000001", null))
                    .isInstanceOfSatisfying(EnrollmentException.class,
                            e -> assertThat(e.getMessage()).isEqualTo("tcp refused"));
        }
    }

    private static String svc() {
        return String.valueOf(service.port());
    }

    private static EnrollmentClient client(int retries) {
        EnrollmentClient.Endpoint base = EnrollmentClient.Endpoint.of(new InetSocketAddress("127.0.0.1", service.port()),
                "localhost");
        return new EnrollmentClient(new EnrollmentClient.Endpoint(base.address(), base.hostHeader(), base.enrollPath(),
                base.renewPath(), Duration.ofSeconds(10), base.maxResponseBytes()), retries);
    }

    private static io.gmtls.tboxsim.transport.ClientTransport modelTransport() throws Exception {
        TransportFactory factory = new TransportFactory(new TransportSettings(TransportKind.TLCP, "localhost",
                service.port(), TlcpContext.DEFAULT_SUITES, SslProvider.JDK, pki.sm2Trust(), Duration.ofSeconds(10)));
        return factory.withSm2(new CredentialFolder(pkiDir, null).model(pki.modelCode(), pki.sm2Trust()));
    }
}
