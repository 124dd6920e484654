package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Revocation reasons of end-entity certificates on a real PostgreSQL: certificateHold is the one
 * revocation that can be released (the certificate is valid again and leaves the CRL); cACompromise
 * and aACompromise are refused, since every certificate this CA stores is an end entity's.
 */
class EndEntityRevocationIT {

    private static final Actor OPERATOR = new Actor("ops", "operator");

    @Test
    void certificateHoldCanBeReleasedAndCaCompromiseReasonsAreRefused() throws Exception {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            CaFixture fixture = new CaFixture(db.url(), clock, new byte[] {9, 9, 9}, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(3650)));
            CertificateAuthority ca = fixture.authority(new ProfileCatalog(ProfileCatalog.defaults("Fixture")),
                    PolicyRules.standard());
            String serial = ca.issue(new IssueRequest("gateway-sign", null, TestSupport.sm2().getPublic().getEncoded(),
                    "gw.example.test", List.of()), OPERATOR).serial();

            for (RevocationReason caLevel : List.of(RevocationReason.CA_COMPROMISE, RevocationReason.AA_COMPROMISE)) {
                assertThatThrownBy(() -> ca.revoke(serial, caLevel, OPERATOR))
                        .isInstanceOfSatisfying(PkiException.class,
                                e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.BAD_REQUEST))
                        .hasMessageContaining("end-entity");
                assertThat(ca.find(serial).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
            }

            // Not on hold: nothing to release.
            assertThatThrownBy(() -> ca.release(serial, OPERATOR))
                    .isInstanceOfSatisfying(PkiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.CONFLICT));

            ca.revoke(serial, RevocationReason.CERTIFICATE_HOLD, OPERATOR);
            assertThat(ca.find(serial).orElseThrow().status()).isEqualTo(CertificateStatus.REVOKED);
            IssuedCertificate released = ca.release(serial, OPERATOR);
            assertThat(released.status()).isEqualTo(CertificateStatus.VALID);
            assertThat(released.revocationReason()).isNull();
            // The next full CRL does not list it.
            var crl = new io.gmtls.pki.core.revocation.CrlPublisher(fixture.directory, fixture.cas,
                    fixture.certificates, fixture.crls, fixture.transactions, fixture.audit, new CaUrls(null), clock,
                    Duration.ofHours(1)).publishFull(ProfileCatalog.SM2_ISSUING);
            assertThat(new org.bouncycastle.cert.X509CRLHolder(crl.der())
                    .getRevokedCertificate(new java.math.BigInteger(serial, 16))).isNull();

            // Revoked for good: not releasable.
            ca.revoke(serial, RevocationReason.KEY_COMPROMISE, OPERATOR);
            assertThatThrownBy(() -> ca.release(serial, OPERATOR))
                    .isInstanceOfSatisfying(PkiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.CONFLICT));
            assertThat(ca.find(serial).orElseThrow().revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
        }
    }
}
