package io.gmtls.certsdev;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.pem.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system {@code openssl} (3.x), an implementation independent of BouncyCastle, accepts the
 * written PKI: every certificate verifies against its chain, every key file reads (encrypted ones
 * with the passphrase) and matches its certificate, both CRL signatures verify, and the key usages
 * it prints are those of each role.
 */
class OpenSslInteropIT {
    private static final String PASSPHRASE = "dev-only passphrase";

    @TempDir
    static Path temp;
    private static Path plainDir;
    private static Path encryptedDir;
    private static DevPki pki;
    private static DevPki encryptedPki;
    private static OpenSsl openssl;

    @BeforeAll
    static void write() throws Exception {
        openssl = new OpenSsl(Files.createDirectory(temp.resolve("work")));
        assertThat(openssl.version()).as("system openssl 3.x").startsWith("OpenSSL 3.");
        plainDir = temp.resolve("plain");
        encryptedDir = temp.resolve("encrypted");
        pki = DevPkiGenerator.write(plainDir, DevPkiOptions.defaults().withVehicles(2));
        encryptedPki = DevPkiGenerator.write(encryptedDir,
                DevPkiOptions.defaults().withVehicles(1).withPassphrase(PASSPHRASE.toCharArray()));
    }

    @Test
    void everySm2CertificateVerifiesLinkByLinkWithTheStandardUserId() throws Exception {
        for (Path crt : files(plainDir.resolve("sm2"), ".crt")) {
            X509Certificate cert = pemCert(crt);
            X509Certificate issuer = issuerOf(cert, pki.sm2Trust());
            OpenSsl.Result result = openssl.verifySm2Link(cert, issuer);
            assertThat(result.ok()).as("openssl verify %s: %s", crt, result.output()).isTrue();
            assertThat(result.stdout()).contains(": OK");
        }
    }

    @Test
    void aWrongUserIdOrAWrongIssuerFailsInOpenSsl() throws Exception {
        X509Certificate gateway = pki.gatewaySign().certificate();
        Path cert = openssl.write("gw", Pem.writeBytes(List.of(gateway)));
        Path ca = openssl.write("ca", Pem.writeBytes(List.of(pki.sm2Issuing().certificate())));
        assertThat(openssl.run("verify", "-partial_chain", "-CAfile", ca.toString(),
                "-vfyopt", "distid:0000000000000000", cert.toString()).ok()).isFalse();
        assertThat(openssl.verifySm2Link(gateway, pki.sm2Root().certificate()).ok()).isFalse();
    }

    @Test
    void everyEcdsaCertificateVerifiesAgainstTheTrustBundle() throws Exception {
        for (Path crt : files(plainDir.resolve("ecdsa"), ".crt")) {
            OpenSsl.Result result = openssl.run("verify", "-CAfile", plainDir.resolve("ecdsa/trust.pem").toString(), crt.toString());
            assertThat(result.ok()).as("openssl verify %s: %s", crt, result.output()).isTrue();
        }
        OpenSsl.Result chain = openssl.run("verify", "-CAfile", plainDir.resolve("ecdsa/root-ca.crt").toString(),
                "-untrusted", plainDir.resolve("ecdsa/gateway-chain.pem").toString(),
                plainDir.resolve("ecdsa/gateway.crt").toString());
        assertThat(chain.ok()).as(chain.output()).isTrue();
    }

    @Test
    void crlSignaturesVerifyAndListTheRevokedVehicle() throws Exception {
        assertThat(openssl.verifySm2Crl(pki.sm2Crl(), pki.sm2Issuing().certificate()).output()).contains("Verified OK");
        assertThat(openssl.verifySm2Crl(pki.sm2Crl(), pki.sm2Root().certificate()).ok()).isFalse();

        OpenSsl.Result ecdsaCrl = openssl.run("crl", "-in", plainDir.resolve("ecdsa/issuing-ca.crl").toString(),
                "-CAfile", plainDir.resolve("ecdsa/issuing-ca.crt").toString(), "-noout", "-verify");
        assertThat(ecdsaCrl.output()).contains("verify OK");

        String revoked = pki.revokedVehicle().vin();
        OpenSsl.Result crlCheck = openssl.run("verify", "-crl_check", "-CRLfile",
                plainDir.resolve("ecdsa/issuing-ca.crl").toString(), "-CAfile", plainDir.resolve("ecdsa/trust.pem").toString(),
                plainDir.resolve("ecdsa/revoked/" + revoked + ".crt").toString());
        assertThat(crlCheck.ok()).isFalse();
        assertThat(crlCheck.output()).contains("certificate revoked");

        String sm2Text = openssl.run("crl", "-in", plainDir.resolve("sm2/issuing-ca.crl").toString(), "-noout", "-text").stdout();
        assertThat(sm2Text.toUpperCase(Locale.ROOT).replace(":", ""))
                .contains(pki.revokedVehicle().sign().certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT))
                .contains(pki.revokedVehicle().enc().certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
        assertThat(sm2Text).contains("Key Compromise").contains("SM2-with-SM3");
    }

    @Test
    void everyPrivateKeyReadsAndMatchesItsCertificate() throws Exception {
        for (Path dir : List.of(plainDir, encryptedDir)) {
            boolean encrypted = dir.equals(encryptedDir);
            for (Path key : files(dir, ".key")) {
                String head = Files.readString(key);
                assertThat(head).startsWith(encrypted ? "-----BEGIN ENCRYPTED PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----");
                List<String> args = new ArrayList<>(List.of("pkey", "-in", key.toString(), "-pubout"));
                if (encrypted) {
                    args.addAll(List.of("-passin", "pass:" + PASSPHRASE));
                }
                OpenSsl.Result pub = openssl.run(args.toArray(String[]::new));
                assertThat(pub.ok()).as("openssl pkey %s: %s", key, pub.output()).isTrue();
                Path crt = Path.of(key.toString().replaceAll("\\.key$", ".crt"));
                OpenSsl.Result certPub = openssl.run("x509", "-in", crt.toString(), "-noout", "-pubkey");
                assertThat(pub.stdout()).as("key %s matches its certificate", key).isEqualTo(certPub.stdout());
            }
        }
        Path anyKey = encryptedDir.resolve("sm2/gateway-sign.key");
        assertThat(openssl.run("pkey", "-in", anyKey.toString(), "-passin", "pass:wrong", "-noout").ok()).isFalse();
        assertThat(encryptedPki.vehicles()).hasSize(1);
    }

    @Test
    void opensslSeesTheKeyUsagesOfEachRoleAndTheSm2Oids() throws Exception {
        assertUsages("sm2/root-ca.crt", "Certificate Sign, CRL Sign", "CA:TRUE");
        assertUsages("sm2/issuing-ca.crt", "Certificate Sign, CRL Sign", "CA:TRUE, pathlen:0");
        assertUsages("sm2/gateway-sign.crt", "Digital Signature, Non Repudiation", null);
        assertUsages("sm2/gateway-enc.crt", "Key Encipherment, Data Encipherment, Key Agreement", null);
        assertUsages("sm2/gateway-tls13.crt", "Digital Signature", null);
        String vin = pki.vehicles().get(0).vin();
        assertUsages("sm2/vehicles/" + vin + "-sign.crt", "Digital Signature, Non Repudiation", null);
        assertUsages("sm2/vehicles/" + vin + "-enc.crt", "Key Encipherment, Data Encipherment, Key Agreement", null);
        assertUsages("sm2/model-GMTDEV01-sign.crt", "Digital Signature, Non Repudiation", null);
        assertUsages("ecdsa/gateway.crt", "Digital Signature", null);
        assertUsages("ecdsa/vehicles/" + vin + ".crt", "Digital Signature", null);
        String gateway = text("sm2/gateway-sign.crt");
        assertThat(gateway).contains("ASN1 OID: SM2").contains("Signature Algorithm: SM2-with-SM3").contains("DNS:localhost");
        assertThat(text("ecdsa/gateway.crt")).contains("TLS Web Server Authentication");
        assertThat(text("ecdsa/vehicles/" + vin + ".crt")).contains("TLS Web Client Authentication")
                .contains("CN = " + vin);
    }

    private static void assertUsages(String file, String keyUsage, String basicConstraints) {
        String text = text(file);
        assertThat(text).as(file).contains("X509v3 Key Usage: critical\n                " + keyUsage + "\n");
        if (basicConstraints == null) {
            assertThat(text).as(file).doesNotContain("Basic Constraints");
        } else {
            assertThat(text).as(file).contains("X509v3 Basic Constraints: critical\n                " + basicConstraints + "\n");
        }
    }

    private static String text(String file) {
        OpenSsl.Result r = openssl.run("x509", "-in", plainDir.resolve(file).toString(), "-noout", "-text");
        assertThat(r.ok()).as(r.output()).isTrue();
        return r.stdout();
    }

    private static X509Certificate issuerOf(X509Certificate cert, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                return ca;
            }
        }
        throw new AssertionError("no issuer for " + cert.getSubjectX500Principal());
    }

    private static X509Certificate pemCert(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER)
                    .generateCertificate(in);
        }
    }

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (var walk = Files.walk(dir)) {
            List<Path> found = walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
            assertThat(found).as("files %s under %s", suffix, dir).isNotEmpty();
            return found;
        }
    }
}
