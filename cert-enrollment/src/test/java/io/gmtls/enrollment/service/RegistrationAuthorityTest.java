package io.gmtls.enrollment.service;

import io.gmtls.testsupport.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.enrollment.EnrollmentProperties;
import io.gmtls.enrollment.ppv2.GatewayIdentity;
import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CaUrls;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.InMemoryCaCore;
import io.gmtls.pki.core.IssueRequest;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registration authority on the CA core's in-memory adapters, no database: each credential kind
 * (per-model certificate, one-time token, the vehicle's certificate) accepted, and refused for each
 * reason it has. Runs in seconds; the same flows over PostgreSQL and the gateway are
 * {@code EnrollmentRestIT}'s.
 */
class RegistrationAuthorityTest {

    private static final Actor OPERATOR = new Actor("operator", "operator");
    private static final String MODEL = "MODEL-X";
    private static final String OTHER_MODEL = "MODEL-Y";
    private static final String VIN = "LGWEF4A59NF000001";
    private static final String SECOND_VIN = "LGWEF4A59NF000002";
    private static final String OTHER_MODEL_VIN = "LGWEF4A59NF000003";

    private final MovableClock clock = new MovableClock(Instant.now());
    private InMemoryCaCore ca;
    private InMemoryEnrollmentRecords records;
    private InMemorySupersededPairs superseded;
    private DefaultRegistrationAuthority ra;
    private IssuedCertificate modelCertificate;

    @BeforeEach
    void setUp() throws Exception {
        ca = new InMemoryCaCore(clock);
        ca.vehicles.addModel(new VehicleModel(MODEL, "Model X", false), OPERATOR);
        ca.vehicles.addModel(new VehicleModel(OTHER_MODEL, "Model Y", false), OPERATOR);
        ca.vehicles.addVehicles(List.of(new Vehicle(VIN, MODEL), new Vehicle(SECOND_VIN, MODEL),
                new Vehicle(OTHER_MODEL_VIN, OTHER_MODEL)), OPERATOR);
        modelCertificate = ca.authority.issue(new IssueRequest("model-sign", TestSupport.csr(TestSupport.sm2(), MODEL),
                null, null, List.of()), OPERATOR);
        records = new InMemoryEnrollmentRecords(ca.stores);
        superseded = new InMemorySupersededPairs(ca.stores);
        EnrollmentAudit audit = new EnrollmentAudit(ca.stores.audit, ca.stores.transactions, clock,
                Duration.ofMinutes(1), 1000);
        ra = new DefaultRegistrationAuthority(new DefaultRegistrationAuthority.Parts(ca.authority, ca.vehicles,
                ca.tokens, records, superseded, new RateLimiter(new EnrollmentProperties.Limits(null, null, 1000)),
                audit, ca.stores.transactions, e -> false, new CaUrls(null), clock, ProfileCatalog.SM2_ISSUING,
                Duration.ZERO));
    }

    // ---------------------------------------------------------------------------------------------
    // Per-model certificate

    @Test
    void aModelCertificateEnrollsAVinOfItsModel() throws Exception {
        KeyPair key = TestSupport.sm2();
        EnrollmentRequest request = request(model(), VIN, key, null);
        EnrollmentOutcome outcome = ra.enroll(request);

        assertThat(outcome.created()).isTrue();
        assertThat(outcome.signCertificate().getSubjectX500Principal().getName()).contains("CN=" + VIN);
        assertThat(outcome.signCertificate().getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        assertThat(Sm2Keys.encodePoint(Sm2EnvelopedKey.parse(outcome.envelopedKey()).open(key.getPrivate()).getPublic()))
                .isEqualTo(Sm2Keys.encodePoint(outcome.encCertificate().getPublicKey()));
        assertThat(records.all()).singleElement().satisfies(r -> {
            assertThat(r.credential()).isEqualTo("model-cert:" + modelCertificate.serial());
            assertThat(r.operation()).isEqualTo(EnrollmentRecords.Operation.ENROLL);
        });
        assertThat(ca.stores.audit.actions()).endsWith("vehicle.enroll", "enrollment.enroll");
        // A retry of the same request gets the same answer, issuing nothing; another CSR is refused.
        EnrollmentOutcome retry = ra.enroll(request);
        assertThat(retry.created()).isFalse();
        assertThat(retry.signCertificate()).isEqualTo(outcome.signCertificate());
        assertThat(ca.stores.certificates.all()).hasSize(3);
        refused(() -> ra.enroll(request(model(), VIN, key, null)), ProblemType.ALREADY_ENROLLED);
    }

    @Test
    void aModelCertificateIsRefusedForAnotherModelsVin() {
        refused(() -> ra.enroll(request(model(), OTHER_MODEL_VIN, TestSupport.sm2(), null)),
                ProblemType.VIN_NOT_REGISTERED);
    }

    @Test
    void aModelCertificateIsRefusedWhileItsModelsEnrollmentIsOff() {
        ca.vehicles.setEnrollmentAllowed(MODEL, false, OPERATOR);
        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.ENROLLMENT_DISABLED);
    }

    @Test
    void aRevokedModelCertificateIsRefused() {
        ca.authority.revoke(modelCertificate.serial(), RevocationReason.KEY_COMPROMISE, OPERATOR);
        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.CERTIFICATE_REVOKED);
    }

    @Test
    void aModelCertificateDoesNotRenew() {
        refused(() -> ra.renew(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.WRONG_CREDENTIAL);
    }

    // ---------------------------------------------------------------------------------------------
    // Per-model credential: a bootstrap credential, never a standing identity (issue 13)

    /** The revoked-VIN case: before issue 13 the per-model certificate re-enrolled it. */
    @Test
    void aModelCertificateDoesNotReEnrollAVinWhoseCertificatesWereRevoked() throws Exception {
        EnrollmentOutcome first = ra.enroll(request(model(), VIN, TestSupport.sm2(), null));
        clock.advance(Duration.ofSeconds(1));
        ca.authority.revoke(first.signCertificate().getSerialNumber().toString(16), RevocationReason.KEY_COMPROMISE,
                OPERATOR);
        ca.authority.revoke(first.encCertificate().getSerialNumber().toString(16), RevocationReason.KEY_COMPROMISE,
                OPERATOR);
        clock.advance(Duration.ofSeconds(1));

        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.OPERATOR_ACTION_REQUIRED);
        // An operator's one-time token re-enrolls it.
        String token = ca.tokens.issue(VIN, Duration.ofHours(1), OPERATOR);
        assertThat(ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), token)).created()).isTrue();
    }

    @Test
    void anOperatorUnblockLetsTheModelCertificateReEnrollARevokedVin() throws Exception {
        EnrollmentOutcome first = ra.enroll(request(model(), VIN, TestSupport.sm2(), null));
        clock.advance(Duration.ofSeconds(1));
        ca.authority.revoke(first.signCertificate().getSerialNumber().toString(16), RevocationReason.KEY_COMPROMISE,
                OPERATOR);
        clock.advance(Duration.ofSeconds(1));
        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.OPERATOR_ACTION_REQUIRED);

        ca.vehicles.setBlocked(VIN, false, clock.instant(), OPERATOR);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ra.enroll(request(model(), VIN, TestSupport.sm2(), null)).created()).isTrue();
        assertThat(ca.stores.audit.actions()).contains("vehicle.unblock");
        // A later revocation needs a new operator action.
        IssuedCertificate second = ca.authority.search(new io.gmtls.pki.core.CertificateQuery(VIN, null, null,
                CertificateStatus.VALID, "vehicle-sign", 10)).get(0);
        ca.authority.revoke(second.serial(), RevocationReason.KEY_COMPROMISE, OPERATOR);
        clock.advance(Duration.ofSeconds(1));
        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.OPERATOR_ACTION_REQUIRED);
    }

    @Test
    void aModelCertificateDoesNotEnrollAVinThatHasItsOwnCertificate() throws Exception {
        ra.enroll(request(model(), VIN, TestSupport.sm2(), null));
        refused(() -> ra.enroll(request(model(), VIN, TestSupport.sm2(), null)), ProblemType.ALREADY_ENROLLED);
    }

    @Test
    void aBlockedVinIsRefusedOnEveryEnrollmentPath() throws Exception {
        EnrollmentOutcome first = ra.enroll(request(model(), VIN, TestSupport.sm2(), null));
        String serial = first.signCertificate().getSerialNumber().toString(16);
        String token = ca.tokens.issue(SECOND_VIN, Duration.ofHours(1), OPERATOR);
        ca.vehicles.setBlocked(VIN, true, clock.instant(), OPERATOR);
        ca.vehicles.setBlocked(SECOND_VIN, true, clock.instant(), OPERATOR);
        assertThat(ca.stores.audit.actions()).contains("vehicle.block");

        refused(() -> ra.renew(request(vehicle(VIN, serial), VIN, TestSupport.sm2(), null)), ProblemType.VIN_BLOCKED);
        refused(() -> ra.enroll(request(model(), SECOND_VIN, TestSupport.sm2(), null)), ProblemType.VIN_BLOCKED);
        refused(() -> ra.enroll(request(anonymous(), SECOND_VIN, TestSupport.sm2(), token)), ProblemType.VIN_BLOCKED);

        ca.vehicles.setBlocked(VIN, false, clock.instant(), OPERATOR);
        assertThat(ra.renew(request(vehicle(VIN, serial), VIN, TestSupport.sm2(), null)).created()).isTrue();
    }

    // ---------------------------------------------------------------------------------------------
    // One-time token

    @Test
    void aTokenEnrollsItsVinOnce() throws Exception {
        String token = ca.tokens.issue(VIN, Duration.ofHours(1), OPERATOR);
        EnrollmentOutcome outcome = ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), token));
        assertThat(outcome.created()).isTrue();
        assertThat(records.all()).singleElement()
                .satisfies(r -> assertThat(r.credential()).startsWith("token:").doesNotContain(token));
        // Used up: another request with it (another key) is refused.
        refused(() -> ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), token)), ProblemType.TOKEN_USED);
    }

    @Test
    void aTokenIsRefusedForAnotherVinUnknownOrExpired() {
        String token = ca.tokens.issue(VIN, Duration.ofMinutes(10), OPERATOR);
        refused(() -> ra.enroll(request(anonymous(), SECOND_VIN, TestSupport.sm2(), token)),
                ProblemType.TOKEN_WRONG_VIN);
        refused(() -> ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), "not-a-token-we-issued")),
                ProblemType.TOKEN_INVALID);
        clock.advance(Duration.ofMinutes(11));
        refused(() -> ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), token)), ProblemType.TOKEN_EXPIRED);
    }

    @Test
    void aTokenDoesNotRenew() {
        String token = ca.tokens.issue(VIN, Duration.ofHours(1), OPERATOR);
        refused(() -> ra.renew(request(anonymous(), VIN, TestSupport.sm2(), token)), ProblemType.INVALID_REQUEST);
    }

    // ---------------------------------------------------------------------------------------------
    // The vehicle's certificate

    @Test
    void theVehiclesCertificateRenewsWithANewKeyAndTheOldPairIsRevoked() throws Exception {
        EnrollmentOutcome first = ra.enroll(request(model(), VIN, TestSupport.sm2(), null));
        String oldSerial = first.signCertificate().getSerialNumber().toString(16);

        EnrollmentOutcome renewed = ra.renew(request(vehicle(VIN, oldSerial), VIN, TestSupport.sm2(), null));

        assertThat(renewed.created()).isTrue();
        assertThat(renewed.signCertificate().getSerialNumber()).isNotEqualTo(first.signCertificate().getSerialNumber());
        // Overlap 0: both old certificates are revoked as superseded at once.
        for (BigInteger serial : List.of(first.signCertificate().getSerialNumber(),
                first.encCertificate().getSerialNumber())) {
            IssuedCertificate old = ca.authority.find(serial.toString(16)).orElseThrow();
            assertThat(old.status()).isEqualTo(CertificateStatus.REVOKED);
            assertThat(old.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
        }
        // The old certificate renews no more (with another key: not a retry).
        refused(() -> ra.renew(request(vehicle(VIN, oldSerial), VIN, TestSupport.sm2(), null)),
                ProblemType.CERTIFICATE_REVOKED);
    }

    @Test
    void theVehiclesCertificateIsRefusedWithItsOwnKeyForAnotherVinOrToEnroll() throws Exception {
        KeyPair key = TestSupport.sm2();
        EnrollmentOutcome first = ra.enroll(request(model(), VIN, key, null));
        String serial = first.signCertificate().getSerialNumber().toString(16);
        refused(() -> ra.renew(request(vehicle(VIN, serial), VIN, key, null)), ProblemType.KEY_REUSED);
        refused(() -> ra.renew(request(vehicle(VIN, serial), SECOND_VIN, TestSupport.sm2(), null)),
                ProblemType.WRONG_CREDENTIAL);
        refused(() -> ra.enroll(request(vehicle(VIN, serial), VIN, TestSupport.sm2(), null)),
                ProblemType.WRONG_CREDENTIAL);
        assertThat(ca.authority.find(serial).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
    }

    @Test
    void aCertificateThisCaDidNotIssueIsRefused() {
        refused(() -> ra.renew(request(vehicle(VIN, "0badc0de"), VIN, TestSupport.sm2(), null)),
                ProblemType.UNKNOWN_CERTIFICATE);
        refused(() -> ra.enroll(request(anonymous(), VIN, TestSupport.sm2(), null)), ProblemType.NO_CREDENTIAL);
    }

    // ---------------------------------------------------------------------------------------------

    /** Asserts the refusal's type, and that it changed nothing but the audit log. */
    private void refused(ThrowingCallable call, ProblemType type) {
        List<IssuedCertificate> certificates = ca.stores.certificates.all();
        List<EnrollmentRecords.Record> stored = records.all();
        assertThatThrownBy(call).isInstanceOfSatisfying(EnrollmentProblem.class,
                e -> assertThat(e.type()).as(e.detail()).isEqualTo(type));
        assertThat(ca.stores.certificates.all()).isEqualTo(certificates);
        assertThat(records.all()).isEqualTo(stored);
        assertThat(ca.stores.audit.verify().intact()).isTrue();
    }

    private EnrollmentRequest request(GatewayIdentity identity, String vin, KeyPair key, String token) {
        try {
            return new EnrollmentRequest(identity, vin, TestSupport.csr(key, vin), token, "rest");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private GatewayIdentity model() {
        return identity(Optional.of(new GatewayIdentity.VerifiedCertificate(MODEL,
                Optional.of(modelCertificate.serial()))));
    }

    private static GatewayIdentity vehicle(String cn, String serial) {
        return identity(Optional.of(new GatewayIdentity.VerifiedCertificate(cn, Optional.of(serial))));
    }

    private static GatewayIdentity anonymous() {
        return identity(Optional.empty());
    }

    private static GatewayIdentity identity(Optional<GatewayIdentity.VerifiedCertificate> certificate) {
        return new GatewayIdentity(new InetSocketAddress("10.9.0.1", 40000), certificate, false,
                Optional.of("TLCPv1.1"), Optional.empty());
    }

}
