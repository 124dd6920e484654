package io.gmtls.pki.core;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.PolicyRule;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.store.JdbcAuditLog;
import io.gmtls.pki.store.JdbcCaRepository;
import io.gmtls.pki.store.JdbcCertificateStore;
import io.gmtls.pki.store.JdbcCrlStore;
import io.gmtls.pki.store.JdbcProfileRegistry;
import io.gmtls.pki.store.JdbcVehicleRegistry;
import io.gmtls.pki.store.PkiSchema;
import io.gmtls.pki.store.SpringTransactions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An SM2 root and issuing CA built by hand (so that a test chooses their key identifiers and
 * validity), stored with the JDBC adapters in a PostgreSQL test database.
 */
final class CaFixture {

    final DataSource dataSource;
    final JdbcCaRepository cas;
    final JdbcCertificateStore certificates;
    final JdbcCrlStore crls;
    final JdbcAuditLog audit;
    final JdbcVehicleRegistry vehicles;
    final JdbcProfileRegistry profileRegistry;
    final Clock clock;
    final Transactions transactions;
    final KeyPair rootKey = TestSupport.sm2();
    final KeyPair issuingKey = TestSupport.sm2();
    X509Certificate root;
    X509Certificate issuing;
    IssuingCa issuingCa;
    CaDirectory directory;

    /**
     * @param issuingSki the issuing CA's subjectKeyIdentifier (any bytes)
     * @param from       notBefore of both CA certificates
     * @param to         notAfter of both CA certificates
     */
    CaFixture(String jdbcUrl, Clock clock, byte[] issuingSki, Instant from, Instant to) throws Exception {
        this(jdbcUrl, clock);
        X500Name rootDn = new X500Name("C=CN, O=Fixture, CN=Fixture SM2 Root CA");
        X500Name issuingDn = new X500Name("C=CN, O=Fixture, CN=Fixture SM2 Issuing CA");
        SubjectPublicKeyInfo rootSpki = SubjectPublicKeyInfo.getInstance(rootKey.getPublic().getEncoded());
        byte[] rootSki = rfc7093Method1(rootSpki);
        root = caCertificate(rootDn, rootSpki, rootDn, rootKey, rootSki, rootSki, from, to);
        issuing = caCertificate(issuingDn, SubjectPublicKeyInfo.getInstance(issuingKey.getPublic().getEncoded()),
                rootDn, rootKey, issuingSki, rootSki, from, to);
        CaRecord rootRecord = new CaRecord("sm2-root", CaRole.ROOT, KeyAlgorithm.SM2, root, null, null);
        CaRecord issuingRecord = new CaRecord(ProfileCatalog.SM2_ISSUING, CaRole.ISSUING, KeyAlgorithm.SM2, issuing,
                ProfileCatalog.SM2_ISSUING, "sm2-root");
        transactions.inTransaction(() -> {
            cas.insert(rootRecord);
            cas.insert(issuingRecord);
            return null;
        });
        issuingCa = new IssuingCa(issuingRecord, new JcaCaSigner(issuingKey.getPublic(), issuingKey.getPrivate()),
                List.of(issuing, root), null);
        directory = new CaDirectory(List.of(rootRecord, issuingRecord), List.of(issuingCa));
    }

    /** The migrated stores alone, with no CA in them. */
    static CaFixture storesOnly(String jdbcUrl, Clock clock) {
        return new CaFixture(jdbcUrl, clock);
    }

    private CaFixture(String jdbcUrl, Clock clock) {
        dataSource = new DriverManagerDataSource(jdbcUrl);
        PkiSchema.migrate(dataSource);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        cas = new JdbcCaRepository(jdbc);
        certificates = new JdbcCertificateStore(jdbc);
        crls = new JdbcCrlStore(jdbc);
        audit = new JdbcAuditLog(jdbc, template, clock);
        vehicles = new JdbcVehicleRegistry(jdbc, template);
        profileRegistry = new JdbcProfileRegistry(jdbc);
        this.clock = clock;
        transactions = new SpringTransactions(new DataSourceTransactionManager(dataSource));
    }

    /** The CA core over these stores (no escrow; revocations publish nothing). */
    DefaultCertificateAuthority authority(ProfileCatalog profiles, List<PolicyRule> policy) {
        profileRegistry.sync(profiles.all());
        return new DefaultCertificateAuthority(directory, profiles, policy, new CertificateIssuer(new CaUrls(null)),
                certificates, vehicles, audit, transactions, TestSupport.RANDOM, clock, null, null);
    }

    static byte[] rfc7093Method1(SubjectPublicKeyInfo spki) throws Exception {
        return CaCertificates.rfc7093Method1(spki);
    }

    static X509Certificate caCertificate(X500Name subject, SubjectPublicKeyInfo key, X500Name issuer,
            KeyPair issuerKey, byte[] ski, byte[] aki, Instant from, Instant to) throws Exception {
        return CaCertificates.caCertificate(subject, key, issuer, issuerKey, ski, aki, from, to);
    }
}
