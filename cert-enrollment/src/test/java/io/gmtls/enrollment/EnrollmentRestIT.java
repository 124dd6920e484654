package io.gmtls.enrollment;

import static io.gmtls.enrollment.EnrollmentEnvironment.CLOSED_MODEL;
import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;
import static io.gmtls.enrollment.EnrollmentEnvironment.OTHER_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.EnrollmentEnvironment.AuditRow;
import io.gmtls.enrollment.ppv2.Ppv2Counters;
import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.pki.authn.AuthnResult;
import io.gmtls.pki.authn.BrokerAuthenticator;
import io.gmtls.pki.authn.TopicAcl;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.IssueRequest;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.testsupport.Ppv2Client;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The REST protocol against a real node on a real PostgreSQL, with this test playing the gateway (it
 * writes the PPv2 header itself): enrollment with a per-model certificate and with a token, retries,
 * renewal with and without overlap, every refusal with the database left as it was, and the PPv2 trust
 * rules at the connection level.
 */
class EnrollmentRestIT {

    private static EnrollmentEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = EnrollmentEnvironment.get();
    }

    // ---------------------------------------------------------------------------------------------
    // Enrollment and retries

    @Test
    void perModelCertificateEnrollsTheVinAndARetryGetsTheSameAnswer() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair key = Csrs.sm2();
        byte[] csr = Csrs.csr(key, vin);
        ConnectionFacts facts = Ppv2Client.facts("10.1.0.1", env.model.sign());

        Map<String, Long> before = env.counts();
        Ppv2Client.Response first = enroll(facts, vin, csr, null);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.header("content-type")).startsWith("application/json");
        JsonNode json = first.json();
        assertThat(json.path("vin").asString()).isEqualTo(vin);
        X509Certificate sign = Csrs.certificate(json.path("signCertificate").asString());
        X509Certificate enc = Csrs.certificate(json.path("encCertificate").asString());
        assertThat(sign.getSubjectX500Principal().getName()).contains("CN=" + vin);
        assertThat(enc.getSubjectX500Principal().getName()).contains("CN=" + vin);
        assertThat(sign.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        assertThat(sign.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(enc.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        List<X509Certificate> chain = List.of(Csrs.certificate(json.path("chain").get(0).asString()),
                Csrs.certificate(json.path("chain").get(1).asString()));
        assertThat(chain.get(0)).isEqualTo(env.pki.sm2Issuing().certificate());
        assertThat(chain.get(1)).isEqualTo(env.pki.sm2Root().certificate());
        sign.verify(chain.get(0).getPublicKey(), GmCrypto.provider());
        enc.verify(chain.get(0).getPublicKey(), GmCrypto.provider());
        assertThat(json.path("crlUrl").asString()).isEqualTo("http://pki.example.test/crl/sm2-issuing.crl");
        assertThat(json.path("ocspUrl").asString()).isEqualTo("http://pki.example.test/ocsp");
        assertThat(Instant.parse(json.path("notAfter").asString())).isEqualTo(sign.getNotAfter().toInstant());
        Csrs.openAndCheck(Base64.getDecoder().decode(json.path("encPrivateKeyEnvelope").asString()), key, enc);

        Map<String, Long> after = env.counts();
        assertThat(after.get("certificate")).isEqualTo(before.get("certificate") + 2);
        assertThat(after.get("enrollment_record")).isEqualTo(before.get("enrollment_record") + 1);

        // The answer got lost: the T-Box sends the same request again and gets the same answer.
        long seq = env.auditHead();
        Ppv2Client.Response retry = enroll(Ppv2Client.facts("10.1.0.1", env.model.sign()), vin, csr, null);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(json);
        assertThat(env.counts()).isEqualTo(after);
        assertThat(env.auditSince(seq)).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("retry answered with the stored result"));

        // Another key for the same VIN is a second enrollment: refused.
        assertRefused(() -> enroll(facts, vin, Csrs.csr(Csrs.sm2(), vin), null), 409, "already-enrolled");
    }

    @Test
    void oneTimeTokenEnrollsOnceWithoutAClientCertificate() throws Exception {
        String vin = env.newVin(OTHER_MODEL);
        String token = env.token(vin);
        KeyPair key = Csrs.sm2();
        byte[] csr = Csrs.csr(key, vin);
        ConnectionFacts anonymous = Ppv2Client.facts("10.1.0.2", null);

        Ppv2Client.Response r = enroll(anonymous, vin, csr, token);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        Csrs.openAndCheck(Base64.getDecoder().decode(r.json().path("encPrivateKeyEnvelope").asString()), key,
                Csrs.certificate(r.json().path("encCertificate").asString()));
        assertThat(env.auditSince(0)).anySatisfy(row -> {
            assertThat(row.action()).isEqualTo("enrollment.enroll");
            assertThat(row.outcome()).isEqualTo("SUCCESS");
            assertThat(row.actor()).isEqualTo("token:" + vin);
            assertThat(row.detail()).doesNotContain(token);
        });

        // A retry with the same token and CSR returns the stored answer; the token stays used.
        Ppv2Client.Response retry = enroll(Ppv2Client.facts("10.1.0.2", null), vin, csr, token);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(r.json());

        // The same token with another CSR: used up.
        assertRefused(() -> enroll(anonymous, vin, Csrs.csr(Csrs.sm2(), vin), token), 403, "token-used");
    }

    // ---------------------------------------------------------------------------------------------
    // Renewal

    @Test
    void renewalIssuesANewPairAndRevokesTheOldOneInTheSameTransaction() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair oldKey = Csrs.sm2();
        JsonNode enrolled = enroll(Ppv2Client.facts("10.1.0.3", env.model.sign()), vin, Csrs.csr(oldKey, vin), null)
                .json();
        X509Certificate oldSign = Csrs.certificate(enrolled.path("signCertificate").asString());
        X509Certificate oldEnc = Csrs.certificate(enrolled.path("encCertificate").asString());

        KeyPair newKey = Csrs.sm2();
        byte[] csr = Csrs.csr(newKey, vin);
        Map<String, Long> before = env.counts();
        Ppv2Client.Response renewed = renew(Ppv2Client.facts("10.1.0.3", oldSign), vin, csr);
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(201);
        X509Certificate newSign = Csrs.certificate(renewed.json().path("signCertificate").asString());
        Csrs.openAndCheck(Base64.getDecoder().decode(renewed.json().path("encPrivateKeyEnvelope").asString()), newKey,
                Csrs.certificate(renewed.json().path("encCertificate").asString()));
        assertThat(newSign.getPublicKey().getEncoded()).isEqualTo(newKey.getPublic().getEncoded());

        for (X509Certificate old : List.of(oldSign, oldEnc)) {
            IssuedCertificate stored = env.ca.find(old.getSerialNumber().toString(16)).orElseThrow();
            assertThat(stored.status()).isEqualTo(CertificateStatus.REVOKED);
            assertThat(stored.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
        }
        assertThat(env.ca.find(newSign.getSerialNumber().toString(16)).orElseThrow().status())
                .isEqualTo(CertificateStatus.VALID);
        Map<String, Long> after = env.counts();
        assertThat(after.get("revocation")).isEqualTo(before.get("revocation") + 2);
        assertThat(after.get("certificate")).isEqualTo(before.get("certificate") + 2);

        // A retry of the renewal (its credential is now revoked as superseded) gets the same answer.
        Ppv2Client.Response retry = renew(Ppv2Client.facts("10.1.0.3", oldSign), vin, csr);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(renewed.json());
        // Another renewal with the old certificate is refused.
        assertRefused(() -> renew(Ppv2Client.facts("10.1.0.3", oldSign), vin, Csrs.csr(Csrs.sm2(), vin)), 403,
                "certificate-revoked");
        // The new certificate renews again; the same key twice is refused.
        assertRefused(() -> renew(Ppv2Client.facts("10.1.0.3", newSign), vin, csr), 400, "key-reused");
    }

    @Test
    void renewalWithTheCurrentKeyInAnotherEncodingIsRefusedAsKeyReuse() throws Exception {
        String vin = env.newVin(MODEL);
        KeyPair key = Csrs.sm2();
        JsonNode enrolled = enroll(Ppv2Client.facts("10.1.0.9", env.model.sign()), vin, Csrs.csr(key, vin), null)
                .json();
        X509Certificate sign = Csrs.certificate(enrolled.path("signCertificate").asString());
        // The same key with a compressed point: other bytes, the same key, so no renewal.
        assertRefused(() -> renew(Ppv2Client.facts("10.1.0.9", sign), vin, Csrs.csrWithCompressedKey(key, vin)), 400,
                "key-reused");
    }

    @Test
    void renewalWithAnOverlapLeavesTheOldPairValidUntilTheJobRevokesIt() throws Exception {
        ConfigurableApplicationContext second = env.startNode("none", "--gmtls.enrollment.renewal.overlap=1s",
                "--gmtls.enrollment.renewal.revoke-interval=200ms");
        try {
            int port = EnrollmentEnvironment.port(second);
            String vin = env.newVin(MODEL);
            JsonNode enrolled = Ppv2Client.postJson(port, Ppv2Client.facts("10.1.0.4", env.model.sign()),
                    "/api/v1/enroll", body(vin, Csrs.csr(Csrs.sm2(), vin), null)).json();
            X509Certificate oldSign = Csrs.certificate(enrolled.path("signCertificate").asString());
            String oldSerial = oldSign.getSerialNumber().toString(16);
            String oldEncSerial = Csrs.certificate(enrolled.path("encCertificate").asString()).getSerialNumber()
                    .toString(16);

            Ppv2Client.Response renewed = Ppv2Client.postJson(port, Ppv2Client.facts("10.1.0.4", oldSign),
                    "/api/v1/renew", body(vin, Csrs.csr(Csrs.sm2(), vin), null));
            assertThat(renewed.status()).as(renewed.toString()).isEqualTo(201);
            assertThat(env.ca.find(oldSerial).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
            // During the overlap the old certificate cannot renew a second time.
            Ppv2Client.Response again = Ppv2Client.postJson(port, Ppv2Client.facts("10.1.0.4", oldSign),
                    "/api/v1/renew", body(vin, Csrs.csr(Csrs.sm2(), vin), null));
            assertThat(again.status()).isEqualTo(403);
            assertThat(again.problem()).isEqualTo("certificate-superseded");

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (env.ca.find(oldSerial).orElseThrow().status() != CertificateStatus.REVOKED
                    || env.ca.find(oldEncSerial).orElseThrow().status() != CertificateStatus.REVOKED) {
                assertThat(System.nanoTime() - deadline).as("old pair revoked within 20 s").isNegative();
                Thread.sleep(50);
            }
            assertThat(env.ca.find(oldSerial).orElseThrow().revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
            assertThat(env.counts().get("enrollment_supersede")).isZero();
            assertThat(env.auditSince(0)).anySatisfy(row -> {
                assertThat(row.actor()).isEqualTo("renewal-job");
                assertThat(row.action()).isEqualTo("certificate.revoke");
                assertThat(row.target()).isEqualTo(oldSerial);
            });
        } finally {
            env.stop(second);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Refusals: status, problem type, nothing stored but one audit event

    @Test
    void unknownModelIsRefused() throws Exception {
        String vin = env.newVin(MODEL);
        X509Certificate stranger = selfSigned("NOSUCHMODEL");
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.1", stranger), vin, Csrs.csr(Csrs.sm2(), vin), null),
                403, "unknown-model");
        // A vehicle certificate the CA never issued (the dev PKI's own): unknown certificate.
        X509Certificate devVehicle = env.pki.vehicles().get(0).sign().certificate();
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.1", devVehicle), vin, Csrs.csr(Csrs.sm2(), vin), null),
                403, "unknown-certificate");
    }

    @Test
    void vinNotRegisteredToTheModelIsRefused() throws Exception {
        String otherVin = env.newVin(OTHER_MODEL);
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.2", env.model.sign()), otherVin,
                Csrs.csr(Csrs.sm2(), otherVin), null), 403, "vin-not-registered");
        String nowhere = env.unregisteredVin();
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.2", env.model.sign()), nowhere,
                Csrs.csr(Csrs.sm2(), nowhere), null), 403, "vin-not-registered");
    }

    @Test
    void usedExpiredForeignAndUnknownTokensAreRefused() throws Exception {
        ConnectionFacts anonymous = Ppv2Client.facts("10.2.0.3", null);
        String vin = env.newVin(MODEL);
        String token = env.token(vin);
        assertThat(enroll(anonymous, vin, Csrs.csr(Csrs.sm2(), vin), token).status()).isEqualTo(201);

        String vin2 = env.newVin(MODEL);
        assertRefused(() -> enroll(anonymous, vin2, Csrs.csr(Csrs.sm2(), vin2), token), 403, "token-used");

        String expired = env.token(vin2);
        env.sql("UPDATE enrollment_credential SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL"
                + " AND vin = '" + vin2 + "'");
        assertRefused(() -> enroll(anonymous, vin2, Csrs.csr(Csrs.sm2(), vin2), expired), 403, "token-expired");

        String vin3 = env.newVin(MODEL);
        String forVin3 = env.token(vin3);
        assertRefused(() -> enroll(anonymous, vin2, Csrs.csr(Csrs.sm2(), vin2), forVin3), 403, "token-wrong-vin");
        assertRefused(() -> enroll(anonymous, vin2, Csrs.csr(Csrs.sm2(), vin2), "not-a-real-token"), 403,
                "token-invalid");
        // The token refused for the wrong VIN is still good for its own.
        assertThat(enroll(anonymous, vin3, Csrs.csr(Csrs.sm2(), vin3), forVin3).status()).isEqualTo(201);
    }

    @Test
    void revokedOrExpiredPerModelCertificateIsRefused() throws Exception {
        KeyPair key = Csrs.sm2();
        IssuedCertificate issued = env.ca.issue(new IssueRequest("model-sign", null, key.getPublic().getEncoded(), MODEL,
                null), EnrollmentEnvironment.ADMIN);
        env.ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE, EnrollmentEnvironment.ADMIN);
        X509Certificate revoked = Csrs.certificate(issued.der());
        String vin = env.newVin(MODEL);
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.4", revoked), vin, Csrs.csr(Csrs.sm2(), vin), null), 403,
                "certificate-revoked");
    }

    @Test
    void badCsrsAreRefused() throws Exception {
        String vin = env.newVin(MODEL);
        ConnectionFacts facts = Ppv2Client.facts("10.2.0.5", env.model.sign());
        KeyPair key = Csrs.sm2();
        assertRefused(() -> enroll(facts, vin, Csrs.brokenSignature(Csrs.csr(key, vin)), null), 400,
                "proof-of-possession-failed");
        assertRefused(() -> enroll(facts, vin, Csrs.csr(key, env.unregisteredVin()), null), 400, "csr-subject-mismatch");
        assertRefused(() -> enroll(facts, vin, Csrs.csr(key, null), null), 400, "csr-subject-mismatch");
        assertRefused(() -> enroll(facts, vin, Csrs.csr(Csrs.p256(), vin), null), 400, "unsupported-key");
        assertRefused(() -> Ppv2Client.postJson(env.port, facts, "/api/v1/enroll",
                Map.of("vin", vin, "csr", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")),
                400, "invalid-csr");
        assertRefused(() -> Ppv2Client.postJson(env.port, facts, "/api/v1/enroll",
                Map.of("vin", vin, "csr", Base64.getEncoder().encodeToString("not a csr".getBytes(StandardCharsets.UTF_8)))),
                400, "invalid-csr");
    }

    @Test
    void enrollmentTurnedOffForTheModelIsRefused() throws Exception {
        String vin = env.newVin(CLOSED_MODEL);
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.6", env.closedModel.sign()), vin, Csrs.csr(Csrs.sm2(), vin),
                null), 403, "enrollment-disabled");
    }

    @Test
    void requestsWithoutAUsableCredentialAreRefused() throws Exception {
        String vin = env.newVin(MODEL);
        byte[] csr = Csrs.csr(Csrs.sm2(), vin);
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.7", null), vin, csr, null), 403, "no-credential");
        // A certificate the gateway could not verify is no credential.
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.7", env.model.sign(), 20), vin, csr, null), 403,
                "no-credential");
        // The per-model certificate does not renew; renewal takes no token.
        assertRefused(() -> renew(Ppv2Client.facts("10.2.0.7", env.model.sign()), vin, csr), 403, "wrong-credential");
        assertRefused(() -> Ppv2Client.postJson(env.port, Ppv2Client.facts("10.2.0.7", null), "/api/v1/renew",
                body(vin, csr, "some-token")), 400, "invalid-request");
        // Enrolled vehicles renew; they don't enroll again with their own certificate.
        JsonNode enrolled = enroll(Ppv2Client.facts("10.2.0.7", env.model.sign()), vin, csr, null).json();
        X509Certificate own = Csrs.certificate(enrolled.path("signCertificate").asString());
        assertRefused(() -> enroll(Ppv2Client.facts("10.2.0.7", own), vin, Csrs.csr(Csrs.sm2(), vin), null), 403,
                "wrong-credential");
        String otherVin = env.newVin(MODEL);
        assertRefused(() -> renew(Ppv2Client.facts("10.2.0.7", own), otherVin, Csrs.csr(Csrs.sm2(), otherVin)), 403,
                "wrong-credential");
    }

    @Test
    void malformedHttpRequestsGetProblemJson() throws Exception {
        String vin = env.newVin(MODEL);
        ConnectionFacts facts = Ppv2Client.facts("10.2.0.8", env.model.sign());
        assertRefused(() -> Ppv2Client.request(env.port, facts, "POST", "/api/v1/enroll", "application/json",
                "{\"vin\": ".getBytes(StandardCharsets.UTF_8)), 400, "invalid-request");
        assertRefused(() -> Ppv2Client.request(env.port, facts, "POST", "/api/v1/enroll", "text/plain",
                "vin".getBytes(StandardCharsets.UTF_8)), 415, "unsupported-media-type");
        assertRefused(() -> Ppv2Client.postJson(env.port, facts, "/api/v1/enroll", Map.of("vin", vin)), 400,
                "invalid-request");
        assertRefused(() -> Ppv2Client.postJson(env.port, facts, "/api/v1/enroll",
                body("NOT-A-VIN", Csrs.csr(Csrs.sm2(), vin), null)), 400, "invalid-request");
        byte[] huge = ("{\"vin\":\"" + vin + "\",\"csr\":\"" + "A".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> Ppv2Client.request(env.port, facts, "POST", "/api/v1/enroll", "application/json", huge), 413,
                "too-large");
        assertRefused(() -> Ppv2Client.request(env.port, facts, "GET", "/api/v1/nothing-here", null, null), 404,
                "not-found");
        assertRefused(() -> Ppv2Client.request(env.port, facts, "GET", "/api/v1/enroll", null, null), 405,
                "method-not-allowed");
    }

    // ---------------------------------------------------------------------------------------------
    // PPv2 trust at the connection level

    @Test
    void ppv2FromAnAddressThatIsNotAGatewayGetsNothing() throws Exception {
        String vin = env.newVin(MODEL);
        byte[] request = Ppv2Client.concat(Ppv2Client.header(Ppv2Client.facts("10.3.0.1", env.model.sign())),
                Ppv2Client.http("POST", "/api/v1/enroll", "application/json",
                        Ppv2Client.JSON.writeValueAsBytes(body(vin, Csrs.csr(Csrs.sm2(), vin), null))));
        Ppv2Counters counters = env.node.getBean(Ppv2Counters.class);
        long rejected = counters.rejected();
        Map<String, Long> before = env.counts();
        long seq = env.auditHead();

        // 127.0.0.2 is a loopback address too, but not on the allow-list (127.0.0.1).
        byte[] answer = Ppv2Client.exchange(InetAddress.getByName("127.0.0.2"), env.port, request);
        assertThat(answer).isEmpty();
        awaitRejected(counters, rejected + 1);
        assertThat(env.counts()).isEqualTo(before);
        assertThat(env.auditSince(seq)).isEmpty();
    }

    @Test
    void aConnectionWithoutPpv2GetsNothing() throws Exception {
        String vin = env.newVin(MODEL);
        byte[] plainHttp = Ppv2Client.http("POST", "/api/v1/enroll", "application/json",
                Ppv2Client.JSON.writeValueAsBytes(body(vin, Csrs.csr(Csrs.sm2(), vin), null)));
        Ppv2Counters counters = env.node.getBean(Ppv2Counters.class);
        long rejected = counters.rejected();
        Map<String, Long> before = env.counts();

        assertThat(Ppv2Client.exchange(null, env.port, plainHttp)).isEmpty();
        // PPv1 text from an allowed address: refused too.
        assertThat(Ppv2Client.exchange(null, env.port,
                Ppv2Client.concat("PROXY TCP4 10.0.0.1 10.0.0.2 1234 443\r\n".getBytes(StandardCharsets.US_ASCII),
                        plainHttp))).isEmpty();
        awaitRejected(counters, rejected + 2);
        assertThat(env.counts()).isEqualTo(before);
    }

    @Test
    void aPpv2HeaderArrivingAloneIsFollowedByTheRequestLater() throws Exception {
        // The gateway writes the header as soon as the upstream connection is up and the request when
        // the client sends it: two segments. The request must still be read.
        Ppv2Counters counters = env.node.getBean(Ppv2Counters.class);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", env.port)) {
            socket.setSoTimeout(30_000);
            long accepted = counters.accepted();
            socket.getOutputStream().write(Ppv2Client.header(Ppv2Client.facts("10.3.0.3", null)));
            socket.getOutputStream().flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (counters.accepted() <= accepted) {
                assertThat(System.nanoTime() - deadline).as("header decoded").isNegative();
                Thread.sleep(5);
            }
            socket.getOutputStream().write(Ppv2Client.http("GET", "/.well-known/est/cacerts", null, null));
            socket.getOutputStream().flush();
            Ppv2Client.Response r = Ppv2Client.parse(socket.getInputStream().readAllBytes());
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void anHttpHeaderCannotStandInForThePpv2Identity() throws Exception {
        String vin = env.newVin(MODEL);
        String json = Ppv2Client.JSON.writeValueAsString(body(vin, Csrs.csr(Csrs.sm2(), vin), null));
        byte[] request = ("POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nX-SSL-Client-CN: " + MODEL + "\r\nX-Client-Cert-Serial: "
                + env.model.sign().getSerialNumber().toString(16) + "\r\nContent-Length: " + json.length() + "\r\n\r\n"
                + json).getBytes(StandardCharsets.US_ASCII);
        byte[] raw = Ppv2Client.exchange(null, env.port,
                Ppv2Client.concat(Ppv2Client.header(Ppv2Client.facts("10.3.0.2", null)), request));
        Ppv2Client.Response r = Ppv2Client.parse(raw);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.problem()).isEqualTo("no-credential");
    }

    // ---------------------------------------------------------------------------------------------
    // Limits and the per-model flag

    @Test
    void requestsPerAddressAreLimited() throws Exception {
        EnrollmentAudit refusals = env.node.getBean(EnrollmentAudit.class);
        refusals.flushRefusals();
        long seq = env.auditHead();
        java.util.concurrent.atomic.AtomicInteger limited = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> retryAfter = new java.util.concurrent.atomic.AtomicReference<>();
        // Default: 5 per second, burst 20. Batches of 40 parallel requests overrun it however slow the machine.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int batch = 0; batch < 10 && limited.get() == 0; batch++) {
                List<java.util.concurrent.Future<?>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    calls.add(pool.submit(() -> {
                        Ppv2Client.Response r = Ppv2Client.request(env.port, Ppv2Client.facts("10.4.0.1", null), "GET",
                                "/.well-known/est/cacerts", null, null);
                        if (r.status() == 429) {
                            assertThat(r.problem()).isEqualTo("rate-limited");
                            retryAfter.set(r.header("retry-after"));
                            limited.incrementAndGet();
                        } else {
                            assertThat(r.status()).isEqualTo(200);
                        }
                        return null;
                    }));
                }
                for (var call : calls) {
                    call.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(limited.get()).isPositive();
        assertThat(Long.parseLong(retryAfter.get())).isPositive();
        // Refusals of one address are summed in one row per window.
        refusals.flushRefusals();
        assertThat(env.auditSince(seq).stream().filter(r -> r.detail().startsWith("rate-limited"))).singleElement()
                .satisfies(row -> assertThat(row.detail()).startsWith("rate-limited: " + limited.get() + " refused from 10.4.0.0/24"));
        // Another address is not affected.
        assertThat(Ppv2Client.request(env.port, Ppv2Client.facts("10.4.0.2", null), "GET", "/.well-known/est/cacerts",
                null, null).status()).isEqualTo(200);
    }

    @Test
    void theCaAuthEndpointHonoursThePerModelFlag() throws Exception {
        BrokerAuthenticator authn = new BrokerAuthenticator(env.stores.authn(), new TopicAcl(List.of("vehicle/{vin}/#")),
                Clock.systemUTC(), false, AuthnResult.DENY);
        String vin = env.newVin(MODEL);
        String otherVin = env.newVin(OTHER_MODEL);
        // MODEL has per-model connections on: its certificate + a VIN of the model as client id is allowed.
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(MODEL, serial(env.model.sign()), vin, "")).result())
                .isEqualTo(AuthnResult.ALLOW);
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(MODEL, serial(env.model.sign()), otherVin, ""))
                .result()).isEqualTo(AuthnResult.DENY);
        // OTHER_MODEL has it off: the model certificate only enrolls.
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(OTHER_MODEL, serial(env.otherModel.sign()), otherVin,
                "")).result()).isEqualTo(AuthnResult.DENY);
        // After enrolling, the vehicle's own certificate is allowed as itself.
        JsonNode enrolled = enroll(Ppv2Client.facts("10.5.0.1", env.otherModel.sign()), otherVin,
                Csrs.csr(Csrs.sm2(), otherVin), null).json();
        X509Certificate own = Csrs.certificate(enrolled.path("signCertificate").asString());
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(otherVin, serial(own), otherVin, "")).result())
                .isEqualTo(AuthnResult.ALLOW);
    }

    // ---------------------------------------------------------------------------------------------

    static Map<String, Object> body(String vin, byte[] csr, String token) {
        Map<String, Object> body = new HashMap<>();
        body.put("vin", vin);
        body.put("csr", Csrs.pem("CERTIFICATE REQUEST", csr));
        if (token != null) {
            body.put("token", token);
        }
        return body;
    }

    static Ppv2Client.Response enroll(ConnectionFacts facts, String vin, byte[] csr, String token) throws IOException {
        return Ppv2Client.postJson(env.port, facts, "/api/v1/enroll", body(vin, csr, token));
    }

    static Ppv2Client.Response renew(ConnectionFacts facts, String vin, byte[] csr) throws IOException {
        return Ppv2Client.postJson(env.port, facts, "/api/v1/renew", body(vin, csr, null));
    }

    interface Call {
        Ppv2Client.Response call() throws Exception;
    }

    /**
     * The call is refused with the status and problem type, the database is unchanged, and exactly one
     * audit event (FAILED, naming the problem) was written: at once, or in the per-prefix sum of
     * refusals without an accepted credential.
     */
    static void assertRefused(Call call, int status, String problem) throws Exception {
        EnrollmentEnvironment env = EnrollmentEnvironment.get();
        EnrollmentAudit refusals = env.node.getBean(EnrollmentAudit.class);
        refusals.flushRefusals();
        Map<String, Long> before = env.counts();
        long seq = env.auditHead();
        Ppv2Client.Response r = call.call();
        // Refusals before a credential was accepted are summed per source prefix: write the sum now.
        refusals.flushRefusals();
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.problem()).as(r.toString()).isEqualTo(problem);
        assertThat(r.json().path("title").asString()).isNotBlank();
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().path("detail").asString()).isNotBlank();
        assertThat(env.counts()).as("database unchanged by a refused request").isEqualTo(before);
        List<AuditRow> audit = env.auditSince(seq);
        assertThat(audit).as("one audit event").singleElement().satisfies(row -> {
            assertThat(row.outcome()).isEqualTo("FAILED");
            assertThat(row.action()).startsWith("enrollment.");
            assertThat(row.detail()).startsWith(problem + ":");
        });
    }

    private static void awaitRejected(Ppv2Counters counters, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (counters.rejected() < expected) {
            assertThat(System.nanoTime() - deadline).as("PPv2 refusal counted").isNegative();
            Thread.sleep(10);
        }
    }

    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    /** A self-signed SM2 certificate the CA knows nothing about. */
    static X509Certificate selfSigned(String cn) throws Exception {
        KeyPair key = Csrs.sm2();
        X500Name name = new X500Name("CN=" + cn);
        Date now = new Date();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(Csrs.RANDOM.nextLong() & Long.MAX_VALUE),
                now, new Date(now.getTime() + 86_400_000L), name, key.getPublic());
        return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(
                builder.build(new JcaContentSignerBuilder("SM3withSM2").setProvider(GmCrypto.provider())
                        .build(key.getPrivate())));
    }
}
