package io.gmtls.proxy.tls;

import io.gmtls.tlcp.RevocationChecker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

import io.gmtls.crypto.tls.CertificateChainVerifier;
import io.gmtls.crypto.tls.CertificateRejectedException;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.crypto.tls.CertificateChainVerifier.Purpose;
import io.gmtls.crypto.tls.CertificateRejectedException.Reason;
import io.gmtls.crypto.tls.PathCheck;
import io.gmtls.tlcp.RevocationStatus;
import org.junit.jupiter.api.Test;

class CertificateChainVerifierTest {

    private static final CertificateChainVerifier SM2 = CertificateChainVerifier.sm2(TestPki.PKI.sm2Trust(),
            RevocationPathCheck.of(TestPki::revocation));
    private static final CertificateChainVerifier STANDARD = CertificateChainVerifier.standard(
            TestPki.PKI.ecdsaTrust(), RevocationPathCheck.of(TestPki::revocation));

    private static X509Certificate[] array(List<X509Certificate> chain) {
        return chain.toArray(new X509Certificate[0]);
    }

    private static Reason reasonFor(CertificateChainVerifier verifier, X509Certificate... chain) {
        try {
            verifier.verify(chain, Purpose.CLIENT_AUTH);
            return null;
        } catch (CertificateRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void aRememberedPathIsStillCheckedForRevocationAndCannotVouchForOtherBytes() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean revoked = new java.util.concurrent.atomic.AtomicBoolean();
        CertificateChainVerifier verifier = CertificateChainVerifier.sm2(TestPki.PKI.sm2Trust(),
                RevocationPathCheck.of(chain -> revoked.get() ? RevocationStatus.REVOKED : RevocationStatus.GOOD));
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        List<X509Certificate> first = verifier.verify(array(vehicle.sign().chain()), Purpose.CLIENT_AUTH);

        assertThat(verifier.verify(array(vehicle.sign().chain()), Purpose.CLIENT_AUTH)).isEqualTo(first);
        revoked.set(true);
        assertThat(reasonFor(verifier, array(vehicle.sign().chain()))).isEqualTo(Reason.CERTIFICATE_REVOKED);
        revoked.set(false);
        // The same issuing CA under a foreign root of the same names: other bytes, validated on their own.
        assertThat(reasonFor(verifier, array(TestPki.FOREIGN.vehicles().get(0).sign().chain()))).isNotNull();
    }

    @Test
    void goodSm2VehicleChainVerifiesToTheRoot() throws Exception {
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        List<X509Certificate> path = SM2.verify(array(vehicle.sign().chain()), Purpose.CLIENT_AUTH);

        assertThat(path).containsExactly(vehicle.sign().certificate(), TestPki.PKI.sm2Issuing().certificate(),
                TestPki.PKI.sm2Root().certificate());
    }

    @Test
    void leafAloneOrShuffledChainStillVerifies() throws Exception {
        Vehicle vehicle = TestPki.PKI.vehicles().get(1);
        assertThat(SM2.verify(new X509Certificate[] {vehicle.sign().certificate()}, Purpose.CLIENT_AUTH)).hasSize(3);
        X509Certificate[] shuffled = {vehicle.ecdsa().certificate(), TestPki.PKI.ecdsaRoot().certificate(),
            TestPki.PKI.ecdsaIssuing().certificate()};
        assertThat(STANDARD.verify(shuffled, Purpose.CLIENT_AUTH)).hasSize(3);
    }

    @Test
    void refusalsCarryTheirAlert() {
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        assertThat(reasonFor(SM2, array(TestPki.FOREIGN.vehicles().get(0).sign().chain()))).isEqualTo(Reason.UNKNOWN_CA);
        assertThat(reasonFor(STANDARD, array(TestPki.FOREIGN.vehicles().get(0).ecdsa().chain())))
                .isEqualTo(Reason.UNKNOWN_CA);
        assertThat(reasonFor(SM2, array(TestPki.EXPIRED.vehicles().get(0).sign().chain())))
                .isIn(Reason.CERTIFICATE_EXPIRED, Reason.UNKNOWN_CA);
        assertThat(reasonFor(SM2, array(TestPki.PKI.revokedVehicle().sign().chain())))
                .isEqualTo(Reason.CERTIFICATE_REVOKED);
        assertThat(reasonFor(STANDARD, array(TestPki.PKI.revokedVehicle().ecdsa().chain())))
                .isEqualTo(Reason.CERTIFICATE_REVOKED);
        // The encryption certificate has no digitalSignature key usage.
        assertThat(reasonFor(SM2, array(vehicle.enc().chain()))).isEqualTo(Reason.BAD_CERTIFICATE);
        // An SM2 certificate on the standard path, and the other way round.
        assertThat(reasonFor(STANDARD, array(vehicle.sign().chain()))).isEqualTo(Reason.BAD_CERTIFICATE);
        assertThat(reasonFor(SM2, array(vehicle.ecdsa().chain()))).isEqualTo(Reason.BAD_CERTIFICATE);
        assertThat(reasonFor(SM2)).isEqualTo(Reason.BAD_CERTIFICATE);
        X509Certificate[] tooLong = Collections.nCopies(CertificateChainVerifier.MAX_CHAIN_LENGTH + 1,
                vehicle.sign().certificate()).toArray(new X509Certificate[0]);
        assertThat(reasonFor(SM2, tooLong)).isEqualTo(Reason.BAD_CERTIFICATE);
        // A server certificate (serverAuth only) can't authenticate a client.
        assertThat(reasonFor(STANDARD, array(TestPki.PKI.ecdsaGateway().chain()))).isEqualTo(Reason.BAD_CERTIFICATE);
    }

    @Test
    void expiredCertificateUnderATrustedRootIsCertificateExpired() {
        CertificateChainVerifier trustingOldRoots = CertificateChainVerifier.sm2(TestPki.EXPIRED.sm2Trust(),
                PathCheck.NONE);
        assertThat(reasonFor(trustingOldRoots, array(TestPki.EXPIRED.vehicles().get(0).sign().chain())))
                .isEqualTo(Reason.CERTIFICATE_EXPIRED);
    }

    @Test
    void revocationCheckerFailureIsCertificateUnknown() {
        CertificateChainVerifier broken = CertificateChainVerifier.sm2(TestPki.PKI.sm2Trust(), RevocationPathCheck.of(chain -> {
            throw new IllegalStateException("CRL store not loaded");
        }));
        CertificateChainVerifier unsure = CertificateChainVerifier.sm2(TestPki.PKI.sm2Trust(),
                RevocationPathCheck.of(chain -> RevocationStatus.UNKNOWN));
        X509Certificate[] chain = array(TestPki.PKI.vehicles().get(0).sign().chain());
        assertThat(reasonFor(broken, chain)).isEqualTo(Reason.CERTIFICATE_UNKNOWN);
        assertThat(reasonFor(unsure, chain)).isEqualTo(Reason.CERTIFICATE_UNKNOWN);
    }

    @Test
    void trustBundlesAreCheckedAtConstruction() {
        assertThatThrownBy(() -> CertificateChainVerifier.sm2(TestPki.PKI.ecdsaTrust(), PathCheck.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateChainVerifier.standard(List.of(TestPki.PKI.ecdsaIssuing().certificate()),
                PathCheck.NONE)).hasMessageContaining("no self-signed root");
    }
}
