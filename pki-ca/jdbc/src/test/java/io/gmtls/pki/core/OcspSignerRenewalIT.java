package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.revocation.OcspResponder;
import io.gmtls.pki.service.OcspSignerRenewal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delegated OCSP signer is renewed while the service runs, not only at start: once the current
 * signer is within 30 days of its notAfter, the renewal job issues a new one and the responder signs
 * with it from the next request on. On a real PostgreSQL, with a clock the test moves.
 */
class OcspSignerRenewalIT {

    @TempDir
    Path dir;

    @Test
    void delegatedOcspSignerIsRenewedBeforeExpiryWhileRunning() throws Exception {
        Instant start = Instant.now();
        AtomicReference<Instant> now = new AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            CaFixture fixture = new CaFixture(db.url(), clock, new byte[] {7, 7}, start.minus(Duration.ofDays(1)),
                    start.plus(Duration.ofDays(3650)));
            ProfileCatalog profiles = new ProfileCatalog(ProfileCatalog.defaults("Fixture"));
            fixture.profileRegistry.sync(profiles.all());
            EncryptedPkcs8KeyStore keys = new EncryptedPkcs8KeyStore(dir.resolve("keys"), "pass".toCharArray());
            CaHierarchy hierarchy = new CaHierarchy(fixture.cas, keys, fixture.transactions, fixture.audit,
                    TestSupport.RANDOM, clock);
            CertificateIssuer issuer = new CertificateIssuer(new CaUrls(null));
            OcspSignerRenewal renewal = new OcspSignerRenewal(hierarchy, fixture.directory, profiles, issuer,
                    fixture.certificates, Duration.ofHours(6));
            OcspResponder responder = new OcspResponder(fixture.directory, fixture.certificates, clock,
                    Duration.ofHours(1));

            renewal.runOnce(); // what start-up does: the first signer
            X509CertificateHolder first = signerOf(responder, fixture.issuing);
            assertThat(first).isNotNull();

            // Far from expiry: nothing changes.
            now.set(first.getNotAfter().toInstant().minus(Duration.ofDays(60)));
            renewal.runOnce();
            assertThat(signerOf(responder, fixture.issuing)).isEqualTo(first);

            // Within 30 days of its notAfter: renewed, and the responder answers with the new signer.
            now.set(first.getNotAfter().toInstant().minus(Duration.ofDays(10)));
            renewal.runOnce();
            X509CertificateHolder second = signerOf(responder, fixture.issuing);
            assertThat(second).isNotEqualTo(first);
            assertThat(second.getNotAfter()).isAfter(first.getNotAfter());
            assertThat(second.getNotBefore().toInstant()).isBeforeOrEqualTo(now.get());
            keys.close();
        }
    }

    /** The certificate of the delegated signer that signs the responder's answer right now. */
    private static X509CertificateHolder signerOf(OcspResponder responder, X509Certificate issuing) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().setProvider(GmCrypto.provider())
                .build().get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuing), BigInteger.valueOf(12345));
        OCSPResp resp = new OCSPResp(responder.respond(new OCSPReqBuilder().addRequest(id).build().getEncoded()).der());
        assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        assertThat(basic.getCerts()).hasSize(1);
        return basic.getCerts()[0];
    }
}
