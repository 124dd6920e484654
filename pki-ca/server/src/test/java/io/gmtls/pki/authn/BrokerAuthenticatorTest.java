package io.gmtls.pki.authn;

import io.gmtls.testsupport.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.InMemoryCaCore;
import io.gmtls.pki.core.IssueRequest;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehiclePairRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Broker authn on the in-memory adapters: the per-model credential (一型一密) is a bootstrap
 * credential that cannot impersonate a car (issue 13), the per-VIN block, and separate namespaces for
 * model codes and VINs on the CN-only path.
 */
class BrokerAuthenticatorTest {

    private static final Actor OPERATOR = new Actor("operator", "operator");
    private static final String MODEL = "MODEL-X";
    private static final String VIN = "LGWEF4A59NF000001";
    private static final String SECOND_VIN = "LGWEF4A59NF000002";

    private final MovableClock clock = new MovableClock(Instant.now());
    private InMemoryCaCore ca;
    private BrokerAuthenticator authn;
    private IssuedCertificate modelCertificate;

    @BeforeEach
    void setUp() throws Exception {
        ca = new InMemoryCaCore(clock);
        ca.vehicles.addModel(new VehicleModel(MODEL, "Model X", true), OPERATOR);
        ca.vehicles.addVehicles(List.of(new Vehicle(VIN, MODEL), new Vehicle(SECOND_VIN, MODEL)), OPERATOR);
        modelCertificate = ca.authority.issue(new IssueRequest("model-sign", TestSupport.csr(TestSupport.sm2(), MODEL),
                null, null, List.of()), OPERATOR);
        authn = new BrokerAuthenticator(ca.stores.authn, new TopicAcl(List.of("vehicle/{vin}/#")), clock, false,
                AuthnResult.DENY);
    }

    private AuthnDecision byModel(String vin, boolean withSerial) {
        return authn.authenticate(new BrokerAuthenticator.Key(MODEL, withSerial ? modelCertificate.serial() : "",
                vin, ""));
    }

    private AuthnDecision byVehicle(IssuedCertificate c, boolean withSerial) {
        return authn.authenticate(new BrokerAuthenticator.Key(c.commonName(), withSerial ? c.serial() : "", c.vin(), ""));
    }

    private VehicleCredentials enroll(String vin) throws Exception {
        return ca.authority.issueVehiclePair(new VehiclePairRequest(vin, TestSupport.csr(TestSupport.sm2(), vin)),
                OPERATOR);
    }

    @Test
    void theModelCertificateAdmitsAVinWithoutACertificateOfItsOwn() {
        assertThat(byModel(VIN, true).result()).isEqualTo(AuthnResult.ALLOW);
        assertThat(byModel(VIN, false).result()).isEqualTo(AuthnResult.ALLOW);
    }

    /** The case that answered allow before issue 13. */
    @Test
    void theModelCertificateDoesNotAdmitAVinWhoseCertificatesWereRevoked() throws Exception {
        VehicleCredentials pair = enroll(VIN);
        clock.advance(Duration.ofSeconds(1));
        ca.authority.revoke(pair.signing().serial(), RevocationReason.KEY_COMPROMISE, OPERATOR);
        clock.advance(Duration.ofSeconds(1));

        assertThat(byVehicle(pair.signing(), true).result()).isEqualTo(AuthnResult.DENY);
        for (boolean serial : new boolean[] {true, false}) {
            AuthnDecision d = byModel(VIN, serial);
            assertThat(d.result()).as(d.reason()).isEqualTo(AuthnResult.DENY);
            assertThat(d.reason()).contains("revoked");
        }
        // An explicit operator unblock re-opens the bootstrap credential (until the VIN enrolls again).
        ca.vehicles.setBlocked(VIN, false, clock.instant(), OPERATOR);
        clock.advance(Duration.ofSeconds(1));
        assertThat(byModel(VIN, true).result()).isEqualTo(AuthnResult.ALLOW);
    }

    @Test
    void theModelCertificateDoesNotAdmitAVinThatHasItsOwnCertificate() throws Exception {
        VehicleCredentials pair = enroll(VIN);
        assertThat(byModel(VIN, true).result()).isEqualTo(AuthnResult.DENY);
        assertThat(byModel(VIN, false).result()).isEqualTo(AuthnResult.DENY);
        assertThat(byVehicle(pair.signing(), true).result()).isEqualTo(AuthnResult.ALLOW);
        // Other VINs of the model, not yet enrolled, still bootstrap with it.
        assertThat(byModel(SECOND_VIN, true).result()).isEqualTo(AuthnResult.ALLOW);
    }

    @Test
    void aBlockedVinIsDeniedWithItsOwnCertificateAndTheModelCertificate() throws Exception {
        VehicleCredentials pair = enroll(VIN);
        ca.vehicles.setBlocked(VIN, true, clock.instant(), OPERATOR);
        ca.vehicles.setBlocked(SECOND_VIN, true, clock.instant(), OPERATOR);
        assertThat(ca.stores.audit.actions()).contains("vehicle.block");

        assertThat(byVehicle(pair.signing(), true).result()).isEqualTo(AuthnResult.DENY);
        assertThat(byVehicle(pair.signing(), false).result()).isEqualTo(AuthnResult.DENY);
        assertThat(byModel(SECOND_VIN, true).result()).isEqualTo(AuthnResult.DENY);
        assertThat(authn.authorize(new AuthzRequest(VIN, "", "vehicle/" + VIN + "/x", "publish")))
                .isEqualTo(AuthnResult.DENY);

        ca.vehicles.setBlocked(VIN, false, clock.instant(), OPERATOR);
        ca.vehicles.setBlocked(SECOND_VIN, false, clock.instant(), OPERATOR);
        assertThat(ca.stores.audit.actions()).contains("vehicle.unblock");
        assertThat(byVehicle(pair.signing(), true).result()).isEqualTo(AuthnResult.ALLOW);
        assertThat(byModel(SECOND_VIN, true).result()).isEqualTo(AuthnResult.ALLOW);
        assertThatThrownBy(() -> ca.vehicles.setBlocked("LGWEF4A59NF000099", true, clock.instant(), OPERATOR))
                .isInstanceOf(PkiException.class);
    }

    @Test
    void aModelCodeIsNeverAVin() throws Exception {
        // A model code with the shape of a VIN cannot be registered.
        assertThatThrownBy(() -> ca.vehicles.addModel(new VehicleModel("LGWEF4A59NF000009", "VIN-shaped", true),
                OPERATOR)).isInstanceOf(PkiException.class);
        // The model certificate's CN (the model code) is not a client id it can claim as a VIN.
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(MODEL, "", MODEL, "")).result())
                .isEqualTo(AuthnResult.DENY);
        // A vehicle certificate presented with the model's CN is refused: CN and serial must agree.
        VehicleCredentials pair = enroll(VIN);
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(MODEL, pair.signing().serial(), VIN, "")).result())
                .isEqualTo(AuthnResult.DENY);
        // The model certificate's serial with a VIN as CN is refused too.
        assertThat(authn.authenticate(new BrokerAuthenticator.Key(VIN, modelCertificate.serial(), VIN, "")).result())
                .isEqualTo(AuthnResult.DENY);
    }

}
