package io.gmtls.pki.service;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CertificateImporter;
import io.gmtls.pki.core.CaHierarchy;
import io.gmtls.pki.core.CaUrls;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CertificateIssuer;
import io.gmtls.pki.core.DefaultCertificateAuthority;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.ImportFolderReader;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.Transactions;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.crypto.CaKeyStore;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.revocation.CrlPublisher;
import io.gmtls.pki.core.revocation.OcspResponder;
import io.gmtls.pki.store.JdbcAuditLog;
import io.gmtls.pki.store.JdbcAuthnDirectory;
import io.gmtls.pki.store.JdbcCaRepository;
import io.gmtls.pki.store.JdbcCertificateStore;
import io.gmtls.pki.store.JdbcCrlStore;
import io.gmtls.pki.store.JdbcEnrollmentCredentialStore;
import io.gmtls.pki.store.JdbcProfileRegistry;
import io.gmtls.pki.store.JdbcRevocationEventLog;
import io.gmtls.pki.store.JdbcVehicleRegistry;
import io.gmtls.pki.store.PkiSchema;
import io.gmtls.pki.store.SpringTransactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The CA core and its PostgreSQL adapters, without any web layer: what an application embedding
 * the CA (cert-enrollment) imports with {@code @Import(PkiCaCoreConfiguration.class)}. It needs a
 * {@link DataSource} (from {@link DatabaseConfiguration} or the host application) and the
 * {@code gmtls.*} properties. Beans other modules use: {@link CertificateAuthority},
 * {@link VehicleDirectory}, {@link EnrollmentTokens}, {@link CrlPublisher}, {@link OcspResponder}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PkiCaProperties.class)
public class PkiCaCoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PkiCaCoreConfiguration.class);

    /** The store adapters over one DataSource, migrated to the current schema. */
    public record PkiStores(JdbcCertificateStore certificates, JdbcVehicleRegistry vehicles, JdbcAuditLog audit,
            JdbcCaRepository cas, JdbcCrlStore crls, JdbcEnrollmentCredentialStore enrollment,
            JdbcProfileRegistry profiles, JdbcAuthnDirectory authn, Transactions transactions,
            JdbcRevocationEventLog revocationEvents) {
    }

    @Bean
    Clock pkiClock() {
        return Clock.systemUTC();
    }

    @Bean
    SecureRandom pkiRandom() {
        return new SecureRandom();
    }

    @Bean
    PkiStores pkiStores(DataSource dataSource, Clock pkiClock) {
        int applied = PkiSchema.migrate(dataSource);
        if (applied > 0) {
            log.info("applied {} pki-ca schema migration(s)", applied);
        }
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        JdbcCertificateStore certificates = new JdbcCertificateStore(jdbc);
        JdbcVehicleRegistry vehicles = new JdbcVehicleRegistry(jdbc, template);
        return new PkiStores(certificates, vehicles, new JdbcAuditLog(jdbc, template, pkiClock),
                new JdbcCaRepository(jdbc), new JdbcCrlStore(jdbc), new JdbcEnrollmentCredentialStore(jdbc),
                new JdbcProfileRegistry(jdbc), new JdbcAuthnDirectory(jdbc, vehicles),
                new SpringTransactions(new DataSourceTransactionManager(dataSource)),
                new JdbcRevocationEventLog(jdbc, new DataSourceTransactionManager(dataSource)));
    }

    @Bean(destroyMethod = "close")
    EncryptedPkcs8KeyStore caKeyStore(PkiCaProperties properties) {
        String passphrase = properties.ca().keyPassphrase();
        if (passphrase == null || passphrase.isEmpty()) {
            throw new PkiConfigException("gmtls.ca.key-passphrase",
                    "is required (env GMTLS_CA_KEY_PASSPHRASE): it encrypts the CA key files in " + properties.ca().keyDir());
        }
        GmCrypto.provider();
        return new EncryptedPkcs8KeyStore(properties.ca().keyDir(), passphrase.toCharArray());
    }

    @Bean
    ProfileCatalog profileCatalog(PkiCaProperties properties, PkiStores stores) {
        ProfileCatalog catalog = new ProfileCatalog(ProfileSettings.apply(
                ProfileCatalog.defaults(properties.ca().organization()), properties.profiles()));
        // Profiles are policy: each one added or changed at startup is audited with its new definition.
        stores.transactions().inTransaction(() -> {
            for (JdbcProfileRegistry.Change change : stores.profiles().sync(catalog.all())) {
                stores.audit().append(AuditEvent.success(Actor.SYSTEM, "profile.change", change.name(),
                        change.definition()));
            }
            return null;
        });
        return catalog;
    }

    @Bean
    CaUrls caUrls(PkiCaProperties properties) {
        return new CaUrls(properties.ca().publicUrl());
    }

    @Bean
    CertificateIssuer certificateIssuer(CaUrls urls) {
        return new CertificateIssuer(urls);
    }

    /** Bootstraps the hierarchy on first start, issues OCSP signers, and loads the CAs. */
    @Bean
    CaDirectory caDirectory(PkiCaProperties properties, PkiStores stores, CaKeyStore caKeyStore,
            ProfileCatalog profiles, CertificateIssuer issuer, SecureRandom pkiRandom, Clock pkiClock) {
        CaHierarchy hierarchy = new CaHierarchy(stores.cas(), caKeyStore, stores.transactions(), stores.audit(),
                pkiRandom, pkiClock);
        if (hierarchy.isEmpty()) {
            PkiCaProperties.Bootstrap bootstrap = properties.ca().bootstrap();
            switch (bootstrap.mode()) {
                case "generate" -> {
                    log.info("no CA configured: generating a new SM2 + ECDSA hierarchy (keys in {})", properties.ca().keyDir());
                    hierarchy.generate(properties.ca().organization(), rootKeyExport(properties.ca()));
                }
                case "import" -> {
                    log.info("no CA configured: importing the hierarchy from {}", bootstrap.importDir());
                    hierarchy.importFrom(Path.of(bootstrap.importDir()), bootstrap.importPassphrase().toCharArray());
                }
                default -> throw new PkiConfigException("gmtls.ca.bootstrap.mode",
                        "no CA is configured and bootstrap is 'none'");
            }
        }
        CaDirectory directory = hierarchy.load();
        hierarchy.ensureOcspSigners(directory, profiles, issuer, stores.certificates());
        directory = hierarchy.load();
        if (properties.ca().bootstrap().importsEndEntities()) {
            importEndEntities(properties.ca().bootstrap(), directory, profiles, stores, pkiClock);
        }
        return directory;
    }

    /**
     * Where generated root keys go: their own directory under their own passphrase, or nowhere (a
     * warning says so) when no root passphrase is configured. Never the services' key directory.
     */
    static CaHierarchy.RootKeyExport rootKeyExport(PkiCaProperties.Ca ca) {
        String passphrase = ca.bootstrap().rootKeyPassphrase();
        if (passphrase == null || passphrase.isEmpty()) {
            log.warn("gmtls.ca.bootstrap.root-key-passphrase is not set: the generated root keys sign the issuing "
                    + "CAs and are then discarded (no new issuing CA can be signed by these roots)");
            return null;
        }
        if (passphrase.equals(ca.keyPassphrase())) {
            throw new PkiConfigException("gmtls.ca.bootstrap.root-key-passphrase",
                    "must differ from gmtls.ca.key-passphrase (the root key is kept apart from the services' keys)");
        }
        Path rootDir = ca.bootstrap().rootKeyDir().toAbsolutePath().normalize();
        if (rootDir.equals(ca.keyDir().toAbsolutePath().normalize())) {
            throw new PkiConfigException("gmtls.ca.bootstrap.root-key-dir", "must not be gmtls.ca.key-dir");
        }
        log.info("the generated root keys are exported, encrypted under the root passphrase, to {}: move them "
                + "offline; no service reads them", rootDir);
        return new CaHierarchy.RootKeyExport(rootDir, passphrase.toCharArray());
    }

    /**
     * Imports the end-entity certificates of the bootstrap folder (every start in import mode: what is
     * stored already is left alone, so a restart with the same folder changes nothing).
     */
    private static void importEndEntities(PkiCaProperties.Bootstrap bootstrap, CaDirectory directory,
            ProfileCatalog profiles, PkiStores stores, Clock clock) {
        Path dir = Path.of(bootstrap.importDir());
        if (!Files.isDirectory(dir)) {
            log.warn("gmtls.ca.bootstrap.import-dir {} is not a directory: no end-entity certificates imported", dir);
            return;
        }
        CertificateImporter importer = new CertificateImporter(directory, profiles, stores.certificates(),
                stores.vehicles(), stores.audit(), stores.transactions(), clock);
        // The folder reader is a dev part (pki-ca-dev): a production build refuses the import instead.
        ImportFolderReader reader = ImportFolderReader.installed().orElseThrow(() -> new PkiConfigException(
                "gmtls.ca.bootstrap.import-end-entities", "the import of a certs-dev folder is not part of this "
                        + "build (no pki-ca-dev): set it to false"));
        CertificateImporter.Batch batch = reader.read(dir, directory.issuingCas(),
                bootstrap.modelPerModelAllowed(), clock);
        CertificateImporter.Summary summary;
        try {
            summary = importer.importAll(batch, Actor.SYSTEM);
        } catch (PkiException e) {
            throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", e.getMessage());
        }
        if (!summary.skipped().isEmpty()) {
            log.warn("{} certificate(s) in {} are not signed by an issuing CA here and were not imported: {}",
                    summary.skipped().size(), dir, summary.skipped());
        }
        if (summary.unchanged()) {
            log.info("end-entity certificates of {} already imported ({} known)", dir, summary.known());
        } else {
            log.info("imported from {}: {} certificate(s) ({} revoked), {} already known, {} VIN(s) registered{}", dir,
                    summary.imported(), summary.revoked(), summary.known(), summary.vehiclesAdded(),
                    summary.modelAdded() ? ", model " + batch.model().code() + " registered" : "");
        }
    }

    /** Renews the delegated OCSP signers while running, every {@code gmtls.ca.ocsp-signer-check-interval}. */
    @Bean
    OcspSignerRenewal ocspSignerRenewal(CaDirectory caDirectory, PkiStores stores, CaKeyStore caKeyStore,
            ProfileCatalog profiles, CertificateIssuer issuer, SecureRandom pkiRandom, Clock pkiClock,
            PkiCaProperties properties) {
        CaHierarchy hierarchy = new CaHierarchy(stores.cas(), caKeyStore, stores.transactions(), stores.audit(),
                pkiRandom, pkiClock);
        return new OcspSignerRenewal(hierarchy, caDirectory, profiles, issuer, stores.certificates(),
                properties.ca().ocspSignerCheckInterval());
    }

    /** Imports certificates our issuing CAs signed elsewhere (admin API). */
    @Bean
    CertificateImporter certificateImporter(CaDirectory caDirectory, ProfileCatalog profiles, PkiStores stores,
            Clock pkiClock) {
        return new CertificateImporter(caDirectory, profiles, stores.certificates(), stores.vehicles(), stores.audit(),
                stores.transactions(), pkiClock);
    }

    @Bean
    CrlPublisher crlPublisher(CaDirectory caDirectory, PkiStores stores, CaUrls urls, Clock pkiClock,
            PkiCaProperties properties) {
        return new CrlPublisher(caDirectory, stores.cas(), stores.certificates(), stores.crls(), stores.transactions(),
                stores.audit(), urls, pkiClock, properties.ca().crlValidity());
    }

    @Bean
    OcspResponder ocspResponder(CaDirectory caDirectory, PkiStores stores, Clock pkiClock, PkiCaProperties properties) {
        return new OcspResponder(caDirectory, stores.certificates(), pkiClock, properties.ca().ocspValidity());
    }

    @Bean
    CertificateAuthority certificateAuthority(CaDirectory caDirectory, ProfileCatalog profiles, CertificateIssuer issuer,
            PkiStores stores, SecureRandom pkiRandom, Clock pkiClock, PkiCaProperties properties,
            CrlPublisher crlPublisher) {
        PublicKey escrow = escrowKey(properties.ca().escrowCertificate());
        return new DefaultCertificateAuthority(caDirectory, profiles, PolicyRules.standard(), issuer,
                stores.certificates(), stores.vehicles(), stores.audit(), stores.transactions(), pkiRandom, pkiClock,
                escrow, revoked -> {
                    try {
                        crlPublisher.publishFull(revoked.caName());
                        crlPublisher.publishDelta(revoked.caName());
                    } catch (RuntimeException e) {
                        log.warn("CRL of {} not republished after revoking {} (the schedule retries): {}",
                                revoked.caName(), revoked.serial(), e.getMessage());
                    }
                });
    }

    @Bean
    VehicleDirectory vehicleDirectory(PkiStores stores) {
        return new VehicleDirectory(stores.vehicles(), stores.audit(), stores.transactions());
    }

    @Bean
    EnrollmentTokens enrollmentTokens(PkiStores stores, SecureRandom pkiRandom, Clock pkiClock) {
        return new EnrollmentTokens(stores.enrollment(), stores.vehicles(), stores.audit(), stores.transactions(),
                pkiRandom, pkiClock);
    }

    /** The SM2 key-management public key from a PEM certificate or public key file; null when not configured. */
    static PublicKey escrowKey(String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            return Pem.publicKey(Path.of(location));
        } catch (Pem.UnexpectedContentException e) {
            throw new PkiConfigException("gmtls.ca.escrow-certificate", location + " holds no certificate or public key");
        } catch (IOException e) {
            throw new PkiConfigException("gmtls.ca.escrow-certificate", "cannot read " + location);
        }
    }
}
