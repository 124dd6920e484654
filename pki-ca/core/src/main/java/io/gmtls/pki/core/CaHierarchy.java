package io.gmtls.pki.core;

import io.gmtls.crypto.pem.EncryptedPrivateKeys;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.pki.core.CaRepository.OcspSignerRecord;
import io.gmtls.pki.core.crypto.CaKeyStore;
import io.gmtls.pki.core.crypto.CaSigner;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.crypto.OwnerOnlyFiles;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.KeyIdentifiers;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.SerialNumbers;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Creating, importing and loading the CA hierarchy: an SM2 root (offline: only its certificate is
 * stored here, its key is never loaded) with an SM2 issuing CA, and an ECDSA P-256 root with an
 * ECDSA issuing CA for the TLS 1.3 path; each issuing CA gets a delegated OCSP signer certificate.
 */
public final class CaHierarchy {

    /** Names of the CAs this service creates or imports. */
    public static final String SM2_ROOT = "sm2-root";
    public static final String ECDSA_ROOT = "ecdsa-root";

    private static final Duration OCSP_RENEW_BEFORE = Duration.ofDays(30);

    private final CaRepository repository;
    private final CaKeyStore keys;
    private final Transactions transactions;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    public CaHierarchy(CaRepository repository, CaKeyStore keys, Transactions transactions, AuditLog audit,
            SecureRandom random, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.transactions = transactions;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /** True when no CA is stored yet. */
    public boolean isEmpty() {
        return repository.all().isEmpty();
    }

    /**
     * Where a generated root key goes: a directory of its own (created 0700, outside the services' key
     * directory), encrypted under a passphrase of its own (not the services' key passphrase).
     */
    public record RootKeyExport(Path directory, char[] passphrase) {

        public RootKeyExport {
            if (directory == null || passphrase == null || passphrase.length == 0) {
                throw new IllegalArgumentException("a root key export needs a directory and a passphrase");
            }
        }

        @Override
        public String toString() {
            return "RootKeyExport[" + directory + "]";
        }
    }

    /**
     * Creates a fresh hierarchy. Each root key signs its issuing CA and is then exported (encrypted
     * PKCS#8 {@code <root>.key} with {@code <root>.crt}) to {@code rootExport}, or, when that is
     * null, not kept at all; it never goes to the services' key store, and no service loads it.
     */
    public void generate(String organization, RootKeyExport rootExport) {
        Instant now = clock.instant();
        String org = organization.replace(",", "\\,");
        List<CaRecord> records = new ArrayList<>();
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.SM2, KeyAlgorithm.EC_P256)) {
            boolean sm2 = algorithm == KeyAlgorithm.SM2;
            String rootName = sm2 ? SM2_ROOT : ECDSA_ROOT;
            String issuingName = sm2 ? ProfileCatalog.SM2_ISSUING : ProfileCatalog.ECDSA_ISSUING;
            String label = sm2 ? "SM2" : "ECDSA";
            KeyPair rootKey = newKeyPair(algorithm);
            KeyPair issuingKey = newKeyPair(algorithm);
            X500Name rootDn = new X500Name("C=CN, O=" + org + ", CN=" + organization.replace(",", "\\,") + " " + label + " Root CA");
            X500Name issuingDn = new X500Name("C=CN, O=" + org + ", CN=" + organization.replace(",", "\\,") + " " + label + " Issuing CA");
            X509Certificate root = caCertificate(rootDn, rootKey.getPublic(), rootDn, rootKey, null, now,
                    now.plus(Duration.ofDays(3653)), -1);
            X509Certificate issuing = caCertificate(issuingDn, issuingKey.getPublic(), rootDn, rootKey, root, now,
                    now.plus(Duration.ofDays(3652)), 0);
            if (rootExport != null) {
                exportRootKey(rootExport, rootName, rootKey.getPrivate(), root);
            }
            keys.store(issuingName, issuingKey.getPrivate());
            records.add(new CaRecord(rootName, CaRole.ROOT, algorithm, root, null, null));
            records.add(new CaRecord(issuingName, CaRole.ISSUING, algorithm, issuing, issuingName, rootName));
        }
        save(records, "generated");
    }

    /**
     * Imports a hierarchy from a certs-dev style directory: {@code sm2/root-ca.crt},
     * {@code sm2/issuing-ca.crt}, {@code sm2/issuing-ca.key} and, when present, the same under
     * {@code ecdsa/}. Keys may be plain or encrypted PKCS#8 PEM ({@code keyPassphrase}).
     */
    public void importFrom(Path directory, char[] keyPassphrase) {
        List<CaRecord> records = new ArrayList<>();
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.SM2, KeyAlgorithm.EC_P256)) {
            boolean sm2 = algorithm == KeyAlgorithm.SM2;
            Path dir = directory.resolve(sm2 ? "sm2" : "ecdsa");
            if (!Files.isDirectory(dir)) {
                if (sm2) {
                    throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", directory + " has no sm2/ folder");
                }
                continue;
            }
            String rootName = sm2 ? SM2_ROOT : ECDSA_ROOT;
            String issuingName = sm2 ? ProfileCatalog.SM2_ISSUING : ProfileCatalog.ECDSA_ISSUING;
            X509Certificate root = readCertificate(dir.resolve("root-ca.crt"));
            X509Certificate issuing = readCertificate(dir.resolve("issuing-ca.crt"));
            PrivateKey key = readPrivateKey(dir.resolve("issuing-ca.key"), keyPassphrase);
            try {
                issuing.verify(root.getPublicKey(), GmCrypto.provider());
                PublicKey derived = publicKeyOf(key);
                if (!Arrays.equals(derived.getEncoded(), issuing.getPublicKey().getEncoded())) {
                    throw new PkiConfigException("gmtls.ca.bootstrap.import-dir",
                            dir.resolve("issuing-ca.key") + " does not belong to issuing-ca.crt");
                }
            } catch (GeneralSecurityException e) {
                throw new PkiConfigException("gmtls.ca.bootstrap.import-dir",
                        dir.resolve("issuing-ca.crt") + " is not signed by root-ca.crt");
            }
            keys.store(issuingName, key);
            records.add(new CaRecord(rootName, CaRole.ROOT, algorithm, root, null, null));
            records.add(new CaRecord(issuingName, CaRole.ISSUING, algorithm, issuing, issuingName, rootName));
        }
        save(records, "imported from " + directory);
    }

    /** Writes a root key (under the export's own passphrase) and its certificate, owner-only. */
    private static void exportRootKey(RootKeyExport export, String rootName, PrivateKey key, X509Certificate cert) {
        EncryptedPkcs8KeyStore offline = new EncryptedPkcs8KeyStore(export.directory(), export.passphrase());
        try {
            offline.store(rootName, key);
            OwnerOnlyFiles.writeNew(export.directory().resolve(rootName + ".crt"), Pem.certificate(cert));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the root certificate to " + export.directory(), e);
        } finally {
            offline.close();
        }
    }

    private void save(List<CaRecord> records, String how) {
        transactions.inTransaction(() -> {
            for (CaRecord r : records) {
                repository.insert(r);
                audit.append(AuditEvent.success(Actor.SYSTEM, "ca.bootstrap", r.name(),
                        how + "; subject=" + r.certificate().getSubjectX500Principal().getName()));
            }
            return null;
        });
    }

    /** Loads the stored hierarchy with the issuing CAs' signers (key must match certificate). */
    public CaDirectory load() {
        List<CaRecord> records = repository.all();
        List<IssuingCa> issuing = new ArrayList<>();
        CaDirectory partial = new CaDirectory(records, List.of());
        for (CaRecord r : records) {
            if (r.role() != CaRole.ISSUING || r.keyAlias() == null) {
                continue;
            }
            CaSigner signer = keys.signer(r.keyAlias());
            if (!Arrays.equals(signer.publicKey().getEncoded(), r.certificate().getPublicKey().getEncoded())) {
                throw new IllegalStateException("CA key '" + r.keyAlias() + "' does not match the certificate of CA '"
                        + r.name() + "'");
            }
            IssuingCa.OcspSigner ocsp = repository.ocspSigner(r.name())
                    .map(o -> new IssuingCa.OcspSigner(o.certificate(), keys.signer(o.keyAlias())))
                    .orElse(null);
            issuing.add(new IssuingCa(r, signer, partial.chainOf(r.name()), ocsp));
        }
        return new CaDirectory(records, issuing);
    }

    /**
     * Issues a delegated OCSP signer for every issuing CA that has none, or whose signer expires within
     * 30 days, through the CA core (stored and audited like any certificate).
     */
    public void ensureOcspSigners(CaDirectory directory, ProfileCatalog profiles, CertificateIssuer issuer,
            CertificateStore store) {
        Instant now = clock.instant();
        for (IssuingCa ca : directory.issuingCas()) {
            Optional<OcspSignerRecord> current = repository.ocspSigner(ca.name());
            if (current.isPresent()
                    && current.get().certificate().getNotAfter().toInstant().isAfter(now.plus(OCSP_RENEW_BEFORE))) {
                continue;
            }
            Optional<CertificateProfile> profile = profiles.firstOf(ProfileUsage.OCSP_SIGNING, ca.name());
            if (profile.isEmpty()) {
                continue;
            }
            KeyPair pair = newKeyPair(ca.record().algorithm());
            IssuanceDraft draft = new IssuanceDraft(profile.get(),
                    SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()), "OCSP Responder " + ca.name(),
                    List.of(), now.minus(Duration.ofMinutes(5)), ca.certificate().getNotBefore().toInstant(),
                    ca.certificate().getNotAfter().toInstant());
            PolicyRules.applyAll(PolicyRules.standard(), draft);
            BigInteger serial = new SerialNumbers(random).next();
            X509Certificate cert = issuer.sign(draft, ca, serial).toX509();
            String alias = ca.name() + "-ocsp-" + SerialNumbers.toHex(serial).substring(0, 8);
            keys.store(alias, pair.getPrivate());
            transactions.inTransaction(() -> {
                try {
                    byte[] der = cert.getEncoded();
                    store.insert(new IssuedCertificate(SerialNumbers.toHex(serial), ca.name(), profile.get().name(),
                            ProfileUsage.OCSP_SIGNING, draft.subject().toString(), draft.commonName(), null, null,
                            CertificateStatus.VALID, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                            io.gmtls.pki.core.crypto.Fingerprints.sm3Hex(der), der, null, null), null);
                } catch (java.security.cert.CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                repository.saveOcspSigner(new OcspSignerRecord(ca.name(), cert, alias));
                audit.append(AuditEvent.success(Actor.SYSTEM, "ocsp.signer", ca.name(), "serial=" + SerialNumbers.toHex(serial)));
                return null;
            });
        }
    }

    /**
     * What runs while the service runs: issues a new delegated OCSP signer where the current one
     * expires within 30 days (or is missing), and installs the newest stored signer of every issuing
     * CA into {@code directory} (also one another node issued), so OCSP answers never come from an
     * expired signer. Returns how many signers were installed.
     */
    public int renewOcspSigners(CaDirectory directory, ProfileCatalog profiles, CertificateIssuer issuer,
            CertificateStore store) {
        ensureOcspSigners(directory, profiles, issuer, store);
        int installed = 0;
        for (IssuingCa ca : directory.issuingCas()) {
            Optional<OcspSignerRecord> newest = repository.ocspSigner(ca.name());
            if (newest.isEmpty() || (ca.ocspSigner() != null
                    && ca.ocspSigner().certificate().equals(newest.get().certificate()))) {
                continue;
            }
            directory.replaceOcspSigner(ca.name(),
                    new IssuingCa.OcspSigner(newest.get().certificate(), keys.signer(newest.get().keyAlias())));
            installed++;
        }
        return installed;
    }

    private KeyPair newKeyPair(KeyAlgorithm algorithm) {
        if (algorithm == KeyAlgorithm.SM2) {
            return Sm2Keys.generate(random);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", GmCrypto.provider());
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate caCertificate(X500Name subject, PublicKey publicKey, X500Name issuerName,
            KeyPair issuerKey, X509Certificate issuerCert, Instant from, Instant to, int pathLength) {
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName,
                    new SerialNumbers(random).next(), Date.from(from), Date.from(to), subject, spki);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true,
                    pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
            if (issuerCert != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        KeyIdentifiers.authorityKeyIdentifier(new X509CertificateHolder(issuerCert.getEncoded())));
            }
            var signer = new io.gmtls.pki.core.crypto.JcaCaSigner(issuerKey.getPublic(), issuerKey.getPrivate());
            X509CertificateHolder holder = builder.build(signer.newContentSigner());
            return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(holder);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("CA certificate creation failed", e);
        }
    }

    /** Reads one PEM certificate (the file's first PEM block). */
    public static X509Certificate readCertificate(Path path) {
        try {
            return Pem.firstCertificate(path);
        } catch (Pem.UnexpectedContentException e) {
            throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", path + " is not a PEM certificate");
        } catch (IOException e) {
            throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", "cannot read " + path);
        }
    }

    /** Reads a PKCS#8 PEM private key, plain or encrypted (OpenSSL's and GmSSL's forms), or a traditional EC one. */
    public static PrivateKey readPrivateKey(Path path, char[] passphrase) {
        try {
            // An empty passphrase counts as none: the key is then refused as encrypted.
            PrivateKeyInfo info = Pem.privateKeyInfo(Pem.readFile(path), path.toString(),
                    passphrase == null || passphrase.length == 0 ? null : passphrase);
            return KeyFactory.getInstance("EC", GmCrypto.provider()).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (Pem.KeyNotDecryptedException e) {
            // The message names the file and the problem, never the passphrase.
            throw new PkiConfigException("gmtls.ca.bootstrap.import-passphrase",
                    e.reason() == EncryptedPrivateKeys.KeyDecryptionException.Reason.NO_PASSPHRASE
                            ? path + " is encrypted" : e.getMessage());
        } catch (Pem.UnexpectedContentException e) {
            throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", path + " is not a PKCS#8 private key");
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", "cannot read private key " + path);
        }
    }

    private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        var bc = (org.bouncycastle.jce.interfaces.ECPrivateKey) key;
        var spec = bc.getParameters();
        return KeyFactory.getInstance("EC", GmCrypto.provider())
                .generatePublic(new org.bouncycastle.jce.spec.ECPublicKeySpec(spec.getG().multiply(bc.getD()).normalize(), spec));
    }
}
