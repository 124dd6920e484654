package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.CaHierarchy;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pki-ca sign-issuing-ca}: the operator's procedure with an offline root key (an encrypted
 * PKCS#8 file as the generate bootstrap exports it) gives an issuing CA certificate the root signed;
 * a wrong passphrase signs nothing.
 */
class SignIssuingCaCommandTest {

    @TempDir
    Path dir;

    @Test
    void offlineRootKeySignsAnIssuingCaFromItsCsr() throws Exception {
        KeyPair rootKey = TestSupport.sm2();
        X500Name rootName = new X500Name("C=CN, O=GM TLS, CN=GM TLS SM2 Root CA");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(rootName, BigInteger.valueOf(1001), Date.from(now),
                Date.from(now.plus(Duration.ofDays(3650))), rootName, rootKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootKey.getPublic()));
        X509Certificate root = new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(
                builder.build(new JcaCaSigner(rootKey.getPublic(), rootKey.getPrivate()).newContentSigner()));
        Path offline = dir.resolve("root-offline");
        EncryptedPkcs8KeyStore store = new EncryptedPkcs8KeyStore(offline, "root-passphrase".toCharArray());
        store.store(CaHierarchy.SM2_ROOT, rootKey.getPrivate());
        store.close();
        Files.writeString(dir.resolve("root.crt"), TestSupport.pem("CERTIFICATE", root.getEncoded()));
        Files.writeString(dir.resolve("issuing.csr"), TestSupport.pem("CERTIFICATE REQUEST",
                TestSupport.csr(TestSupport.sm2(), "GM TLS SM2 Issuing CA 2")));
        Files.writeString(dir.resolve("wrong"), "not-the-passphrase\n");
        Files.writeString(dir.resolve("right"), "root-passphrase\n");

        int refused = run("wrong", "refused.crt");
        assertThat(refused).isNotZero();
        assertThat(dir.resolve("refused.crt")).doesNotExist();

        assertThat(run("right", "issuing.crt")).isZero();
        X509Certificate issuing = CaHierarchy.readCertificate(dir.resolve("issuing.crt"));
        issuing.verify(root.getPublicKey(), GmCrypto.provider());
        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(issuing.getSubjectX500Principal().getName()).contains("GM TLS SM2 Issuing CA 2");
        assertThat(issuing.getNotAfter().toInstant()).isBeforeOrEqualTo(root.getNotAfter().toInstant());
    }

    private int run(String passphraseFile, String out) {
        return new CommandLine(new PkiCaApplication.SignIssuingCa()).execute(
                "--root-cert", dir.resolve("root.crt").toString(),
                "--root-key", dir.resolve("root-offline").resolve(CaHierarchy.SM2_ROOT + ".key").toString(),
                "--csr", dir.resolve("issuing.csr").toString(), "--out", dir.resolve(out).toString(),
                "--days", "365", "--passphrase-file", dir.resolve(passphraseFile).toString());
    }
}
