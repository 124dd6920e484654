package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/**
 * A certificate's validity lies within its issuer's: a CA made a moment ago does not get leaves
 * backdated to before its own notBefore (the CA core backdates by five minutes for clock skew).
 */
class ValidityNestingTest {

    @Test
    void leafValidityIsNestedInAFreshIssuersValidity() throws Exception {
        Instant caFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant caTo = caFrom.plus(Duration.ofDays(30));
        InMemoryCa ca = new InMemoryCa(caFrom, caTo);
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(TestSupport.sm2().getPublic().getEncoded());
        for (String profile : new String[] {"gateway-sign", "ocsp-signer"}) {
            String cn = profile.startsWith("ocsp") ? "OCSP Responder" : "gw.example.test";
            X509Certificate leaf = ca.issue(profile, key, cn, caFrom.minus(Duration.ofMinutes(5)));
            assertThat(leaf.getNotBefore().toInstant()).as("%s notBefore", profile)
                    .isAfterOrEqualTo(ca.certificate.getNotBefore().toInstant());
            assertThat(leaf.getNotAfter().toInstant()).as("%s notAfter", profile)
                    .isBeforeOrEqualTo(ca.certificate.getNotAfter().toInstant());
        }
    }
}
