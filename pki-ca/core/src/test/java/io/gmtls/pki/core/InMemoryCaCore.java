package io.gmtls.pki.core;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.revocation.CrlPublisher;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The CA core wired on {@link InMemoryStores}: an SM2 root and issuing CA made here, the default
 * profiles, the standard policy, a CRL publisher, and the authority that republishes the CRL after a
 * revocation (as the service does). What the fast core and RA tests start from.
 */
public final class InMemoryCaCore {

    public final Clock clock;
    public final InMemoryStores stores;
    public final ProfileCatalog profiles = new ProfileCatalog(ProfileCatalog.defaults("GM TLS Test"));
    public final KeyPair rootKey = TestSupport.sm2();
    public final KeyPair issuingKey = TestSupport.sm2();
    public final X509Certificate root;
    public final X509Certificate issuing;
    public final CaDirectory directory;
    public final CrlPublisher crls;
    public final DefaultCertificateAuthority authority;
    public final VehicleDirectory vehicles;
    public final EnrollmentTokens tokens;

    public InMemoryCaCore() throws Exception {
        this(Clock.systemUTC());
    }

    public InMemoryCaCore(Clock clock) throws Exception {
        this.clock = clock;
        this.stores = new InMemoryStores(clock);
        Instant from = clock.instant().minus(Duration.ofDays(1));
        Instant to = clock.instant().plus(Duration.ofDays(3650));
        X500Name rootDn = new X500Name("C=CN, O=In-Memory, CN=In-Memory SM2 Root CA");
        X500Name issuingDn = new X500Name("C=CN, O=In-Memory, CN=In-Memory SM2 Issuing CA");
        SubjectPublicKeyInfo rootSpki = SubjectPublicKeyInfo.getInstance(rootKey.getPublic().getEncoded());
        SubjectPublicKeyInfo issuingSpki = SubjectPublicKeyInfo.getInstance(issuingKey.getPublic().getEncoded());
        byte[] rootSki = CaCertificates.rfc7093Method1(rootSpki);
        root = CaCertificates.caCertificate(rootDn, rootSpki, rootDn, rootKey, rootSki, rootSki, from, to);
        issuing = CaCertificates.caCertificate(issuingDn, issuingSpki, rootDn, rootKey,
                CaCertificates.rfc7093Method1(issuingSpki), rootSki, from, to);
        CaRecord rootRecord = new CaRecord("sm2-root", CaRole.ROOT, KeyAlgorithm.SM2, root, null, null);
        CaRecord issuingRecord = new CaRecord(ProfileCatalog.SM2_ISSUING, CaRole.ISSUING, KeyAlgorithm.SM2, issuing,
                ProfileCatalog.SM2_ISSUING, "sm2-root");
        stores.cas.insert(rootRecord);
        stores.cas.insert(issuingRecord);
        IssuingCa issuingCa = new IssuingCa(issuingRecord,
                new JcaCaSigner(issuingKey.getPublic(), issuingKey.getPrivate()), List.of(issuing, root), null);
        directory = new CaDirectory(List.of(rootRecord, issuingRecord), List.of(issuingCa));
        CaUrls urls = new CaUrls(null);
        crls = new CrlPublisher(directory, stores.cas, stores.certificates, stores.crls, stores.transactions,
                stores.audit, urls, clock, Duration.ofDays(1));
        authority = new DefaultCertificateAuthority(directory, profiles, PolicyRules.standard(),
                new CertificateIssuer(urls), stores.certificates, stores.vehicles, stores.audit, stores.transactions,
                TestSupport.RANDOM, clock, null, revoked -> {
                    crls.publishFull(revoked.caName());
                    crls.publishDelta(revoked.caName());
                });
        vehicles = new VehicleDirectory(stores.vehicles, stores.audit, stores.transactions);
        tokens = new EnrollmentTokens(stores.enrollment, stores.vehicles, stores.audit, stores.transactions,
                TestSupport.RANDOM, clock);
    }
}
