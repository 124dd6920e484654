package io.gmtls.pki.core;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** A self-signed SM2 issuing CA held in memory, signing through the real {@link CertificateIssuer}. */
final class InMemoryCa {

    final ProfileCatalog profiles = new ProfileCatalog(ProfileCatalog.defaults("GM TLS Test"));
    final X509Certificate certificate;
    final IssuingCa ca;

    InMemoryCa() throws Exception {
        this(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3650)));
    }

    /** A CA valid from {@code from} to {@code to}. */
    InMemoryCa(Instant from, Instant to) throws Exception {
        KeyPair caKey = TestSupport.sm2();
        X500Name caName = new X500Name("CN=In-Memory Test CA");
        SubjectPublicKeyInfo caSpki = SubjectPublicKeyInfo.getInstance(caKey.getPublic().getEncoded());
        certificate = CaCertificates.caCertificate(caName, caSpki, caName, caKey, CaCertificates.rfc7093Method1(caSpki),
                CaCertificates.rfc7093Method1(caSpki), from, to);
        CaRecord record = new CaRecord(ProfileCatalog.SM2_ISSUING, CaRole.ISSUING, KeyAlgorithm.SM2, certificate,
                ProfileCatalog.SM2_ISSUING, null);
        ca = new IssuingCa(record, new JcaCaSigner(caKey.getPublic(), caKey.getPrivate()), List.of(certificate),
                null);
    }

    /** Checks the draft with the standard policy and signs it under the named profile. */
    X509Certificate issue(String profile, SubjectPublicKeyInfo key, String cn) {
        return issue(profile, key, cn, Instant.now());
    }

    /** As the CA core drafts: validity from {@code notBefore} (backdated there), within this CA's. */
    X509Certificate issue(String profile, SubjectPublicKeyInfo key, String cn, Instant notBefore) {
        IssuanceDraft draft = new IssuanceDraft(profiles.require(profile), key, cn, List.of(), notBefore,
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        PolicyRules.applyAll(PolicyRules.standard(), draft);
        return new CertificateIssuer(new CaUrls(null)).sign(draft, ca, new BigInteger(64, TestSupport.RANDOM).setBit(63))
                .toX509();
    }
}
