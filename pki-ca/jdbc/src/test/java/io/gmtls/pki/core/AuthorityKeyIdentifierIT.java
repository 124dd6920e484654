package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.revocation.CrlPublisher;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/**
 * RFC 5280 4.2.1.1: certificates and CRLs an imported issuing CA signs carry that CA's own
 * subjectKeyIdentifier as their authorityKeyIdentifier, also when the CA's SKI was not computed
 * the way this CA would (here an arbitrary value), on a real PostgreSQL.
 */
class AuthorityKeyIdentifierIT {

    private static final byte[] ARBITRARY_SKI = {0x0a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};

    @Test
    void certificatesAndCrlsOfAnImportedCaCarryItsOwnSubjectKeyIdentifier() throws Exception {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            CaFixture fixture = new CaFixture(db.url(), clock, ARBITRARY_SKI, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(3650)));
            ProfileCatalog profiles = new ProfileCatalog(ProfileCatalog.defaults("Fixture"));
            IssuanceDraft draft = new IssuanceDraft(profiles.require("gateway-sign"),
                    SubjectPublicKeyInfo.getInstance(TestSupport.sm2().getPublic().getEncoded()), "gw.example.test",
                    List.of(), now, fixture.issuing.getNotAfter().toInstant());
            PolicyRules.applyAll(PolicyRules.standard(), draft);
            SignedCertificate leaf = new CertificateIssuer(new CaUrls(null))
                    .sign(draft, fixture.issuingCa, BigInteger.valueOf(4242));
            assertThat(keyIdentifier(leaf.toX509().getExtensionValue(Extension.authorityKeyIdentifier.getId())))
                    .isEqualTo(ARBITRARY_SKI);

            CrlPublisher publisher = new CrlPublisher(fixture.directory, fixture.cas, fixture.certificates,
                    fixture.crls, fixture.transactions, fixture.audit, new CaUrls(null), clock, Duration.ofHours(1));
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                    .generateCRL(new java.io.ByteArrayInputStream(publisher.publishFull(ProfileCatalog.SM2_ISSUING).der()));
            assertThat(keyIdentifier(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId())))
                    .isEqualTo(ARBITRARY_SKI);
            crl.verify(fixture.issuing.getPublicKey(), GmCrypto.provider().getName());
        }
    }

    private static byte[] keyIdentifier(byte[] extensionValue) {
        assertThat(extensionValue).as("authorityKeyIdentifier present").isNotNull();
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extensionValue).getOctets())
                .getKeyIdentifier();
    }
}
