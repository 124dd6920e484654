package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated root CA key is offline: it signs the issuing CAs, is exported encrypted under its own
 * passphrase to a directory of its own (or not kept at all), never lands in the services' key store,
 * and is not loaded afterwards; the exported key signs a new issuing CA from its CSR. On a real
 * PostgreSQL.
 */
class RootKeyOfflineIT {

    private static final char[] SERVICE_PASSPHRASE = "service-passphrase".toCharArray();
    private static final char[] ROOT_PASSPHRASE = "root-officer-passphrase".toCharArray();

    @TempDir
    Path dir;

    @Test
    void generatedRootKeyIsExportedUnderItsOwnPassphraseAndNeverInTheServiceKeyStore() throws Exception {
        Path keyDir = dir.resolve("keys");
        Path rootDir = dir.resolve("root-offline");
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            CaDirectory directory = generate(db, keyDir, new CaHierarchy.RootKeyExport(rootDir, ROOT_PASSPHRASE));

            try (Stream<Path> files = Files.list(keyDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("service key directory").noneMatch(n -> n.contains("root"));
            }
            EncryptedPkcs8KeyStore serviceStore = new EncryptedPkcs8KeyStore(keyDir, SERVICE_PASSPHRASE);
            assertThat(serviceStore.contains(CaHierarchy.SM2_ROOT)).isFalse();
            assertThat(serviceStore.contains(CaHierarchy.ECDSA_ROOT)).isFalse();
            assertThat(directory.records()).filteredOn(r -> r.role() == CaRole.ROOT)
                    .hasSize(2).allSatisfy(r -> assertThat(r.keyAlias()).as("root key alias").isNull());

            // Exported: owner-only, readable with the root's passphrase only, and the root's key.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootDir))).isEqualTo("rwx------");
            Path sm2RootKey = rootDir.resolve(CaHierarchy.SM2_ROOT + ".key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sm2RootKey))).isEqualTo("rw-------");
            assertThatThrownBy(() -> new EncryptedPkcs8KeyStore(rootDir, SERVICE_PASSPHRASE).signer(CaHierarchy.SM2_ROOT))
                    .hasMessageContaining("wrong passphrase");
            X509Certificate root = directory.records().stream().filter(r -> r.name().equals(CaHierarchy.SM2_ROOT))
                    .findFirst().orElseThrow().certificate();
            var rootSigner = new EncryptedPkcs8KeyStore(rootDir, ROOT_PASSPHRASE).signer(CaHierarchy.SM2_ROOT);
            assertThat(rootSigner.publicKey().getEncoded()).isEqualTo(root.getPublicKey().getEncoded());
            assertThat(CaHierarchy.readCertificate(rootDir.resolve(CaHierarchy.SM2_ROOT + ".crt"))).isEqualTo(root);

            // The operator's procedure: the offline root signs a new issuing CA from its CSR.
            KeyPair newIssuing = TestSupport.sm2();
            X509Certificate issuing = OfflineRootSigner.signIssuingCa(root,
                    CaHierarchy.readPrivateKey(sm2RootKey, ROOT_PASSPHRASE),
                    TestSupport.csr(newIssuing, "GM TLS SM2 Issuing CA 2"), Duration.ofDays(365), Clock.systemUTC());
            issuing.verify(root.getPublicKey(), GmCrypto.provider());
            assertThat(issuing.getBasicConstraints()).isZero();
            assertThat(issuing.getKeyUsage()[5]).as("keyCertSign").isTrue();
            assertThat(issuing.getPublicKey().getEncoded()).isEqualTo(newIssuing.getPublic().getEncoded());
            assertThat(AuthorityKeyIdentifier.fromExtensions(new X509CertificateHolder(issuing.getEncoded())
                    .getExtensions()).getKeyIdentifier()).isEqualTo(SubjectKeyIdentifier.fromExtensions(
                            new X509CertificateHolder(root.getEncoded()).getExtensions()).getKeyIdentifier());
            assertThat(issuing.getNotAfter()).isBeforeOrEqualTo(root.getNotAfter());
        }
    }

    @Test
    void withoutARootPassphraseTheRootKeyIsNotKeptAnywhere() throws Exception {
        Path keyDir = dir.resolve("keys");
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            generate(db, keyDir, null);
            try (Stream<Path> files = Files.walk(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("root"));
            }
        }
    }

    private CaDirectory generate(TestDatabase db, Path keyDir, CaHierarchy.RootKeyExport export) throws Exception {
        Clock clock = Clock.systemUTC();
        CaFixture stores = CaFixture.storesOnly(db.url(), clock);
        EncryptedPkcs8KeyStore keys = new EncryptedPkcs8KeyStore(keyDir, SERVICE_PASSPHRASE);
        CaHierarchy hierarchy = new CaHierarchy(stores.cas, keys, stores.transactions, stores.audit,
                TestSupport.RANDOM, clock);
        hierarchy.generate("GM TLS", export);
        keys.close();
        // What a service does at start: load the hierarchy with a fresh key store.
        EncryptedPkcs8KeyStore serviceKeys = new EncryptedPkcs8KeyStore(keyDir, SERVICE_PASSPHRASE);
        CaDirectory directory = new CaHierarchy(stores.cas, serviceKeys, stores.transactions, stores.audit,
                TestSupport.RANDOM, clock).load();
        assertThat(directory.issuingCas()).extracting(IssuingCa::name)
                .containsExactly(ProfileCatalog.ECDSA_ISSUING, ProfileCatalog.SM2_ISSUING);
        return directory;
    }
}
