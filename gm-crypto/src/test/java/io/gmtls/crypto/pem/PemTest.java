package io.gmtls.crypto.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.tls.CertificateCredential;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM round trips on real SM2 and P-256 keys and certificates, and the bounds on what is read. */
class PemTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PASSPHRASE = "correct horse".toCharArray();

    @TempDir
    Path dir;

    @Test
    void certificatesAndEncryptedKeyRoundTripIntoACredential() throws Exception {
        KeyPair sm2 = Sm2Keys.generate(RANDOM);
        X509Certificate certificate = selfSigned(sm2, Sm2Keys.SIGNATURE_ALGORITHM);
        Path chain = Files.writeString(dir.resolve("chain.pem"), Pem.certificates(List.of(certificate, certificate)));
        Path key = Files.write(dir.resolve("key.pem"), Pem.privateKey(sm2.getPrivate(), PASSPHRASE));

        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(Pem.certificates(chain)).containsExactly(certificate, certificate);
        CertificateCredential credential = Pem.credential(chain, key, PASSPHRASE);
        assertThat(credential.kind()).isEqualTo(CertificateCredential.KeyKind.SM2);
        assertThat(credential.privateKey().getEncoded()).isEqualTo(sm2.getPrivate().getEncoded());
        credential.checkKeyPair();
    }

    @Test
    void wrongPassphraseIsRefusedNamingTheFileNotTheSecret() throws Exception {
        KeyPair sm2 = Sm2Keys.generate(RANDOM);
        Path key = Files.write(dir.resolve("key.pem"), Pem.privateKey(sm2.getPrivate(), PASSPHRASE));

        assertThatThrownBy(() -> Pem.privateKey(key, "guessed-7731".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(key.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guessed-7731").doesNotContain("correct horse"));
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair mine = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();
        CertificateCredential mismatched = CertificateCredential.of(mine.getPrivate(),
                selfSigned(other, "SHA256withECDSA"));

        assertThat(mismatched.kind()).isEqualTo(CertificateCredential.KeyKind.ECDSA);
        assertThatThrownBy(mismatched::checkKeyPair).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong");
    }

    @Test
    void decodeFindsTheNamedBlockSkipsOthersAndRefusesBrokenOnes() throws Exception {
        String text = Pem.encode("PUBLIC KEY", new byte[] {1, 2, 3}) + Pem.encode("X509 CRL", new byte[] {4, 5});

        assertThat(Pem.decode(text, "X509 CRL")).containsExactly(4, 5);
        assertThat(Pem.decode(text, "CERTIFICATE")).isNull();
        assertThatThrownBy(() -> Pem.decode("-----BEGIN X509 CRL-----\nBAU=\n", "X509 CRL"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void oversizedFileIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("big.pem");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(Pem.MAX_FILE_BYTES + 1);
        }
        assertThatThrownBy(() -> Pem.certificates(big)).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void textWithoutCertificatesIsRefused() {
        String key = new String(Pem.privateKey(Sm2Keys.generate(RANDOM).getPrivate(), null), StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> Pem.certificates(key, "key.pem")).isInstanceOf(IOException.class)
                .hasMessageContaining("key.pem: expected only CERTIFICATE blocks");
        assertThatThrownBy(() -> Pem.certificates("", "empty.pem")).hasMessageContaining("no certificate found");
    }

    @Test
    void publicKeysAreReadFromPublicKeyBlocksAndCertificates() throws Exception {
        KeyPair sm2 = Sm2Keys.generate(RANDOM);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        ec.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair p256 = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", BouncyCastle.PROVIDER);
        rsa.initialize(2048, RANDOM);
        KeyPair rsaPair = rsa.generateKeyPair();
        Path sm2File = Files.writeString(dir.resolve("sm2.pub"), Pem.encode("PUBLIC KEY", sm2.getPublic().getEncoded()));

        java.security.PublicKey fromFile = Pem.publicKey(sm2File);
        assertThat(fromFile.getEncoded()).isEqualTo(sm2.getPublic().getEncoded());
        assertThat(fromFile.getAlgorithm()).isEqualTo("EC");
        assertThat(Sm2Keys.isSm2(fromFile)).isTrue();
        assertThat(Pem.publicKey(Pem.encode("PUBLIC KEY", p256.getPublic().getEncoded()), "p256").getEncoded())
                .isEqualTo(p256.getPublic().getEncoded());
        java.security.PublicKey rsaKey = Pem.publicKey(Pem.encode("PUBLIC KEY", rsaPair.getPublic().getEncoded()), "rsa");
        assertThat(rsaKey.getAlgorithm()).isEqualTo("RSA");
        assertThat(rsaKey.getEncoded()).isEqualTo(rsaPair.getPublic().getEncoded());
        X509Certificate certificate = selfSigned(sm2, Sm2Keys.SIGNATURE_ALGORITHM);
        assertThat(Pem.publicKey(Pem.certificate(certificate), "cert").getEncoded())
                .isEqualTo(sm2.getPublic().getEncoded());

        String privateKey = new String(Pem.privateKey(sm2.getPrivate(), null), StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> Pem.publicKey(privateKey, "key.pem"))
                .isInstanceOf(Pem.UnexpectedContentException.class)
                .hasMessage("key.pem: expected a public key or a certificate, found PrivateKeyInfo");
        assertThatThrownBy(() -> Pem.publicKey("", "empty.pem"))
                .isInstanceOf(Pem.UnexpectedContentException.class)
                .hasMessage("empty.pem: expected a public key or a certificate, found nothing");
        assertThatThrownBy(() -> Pem.publicKey(Pem.encode("PUBLIC KEY", new byte[] {1, 2, 3}), "junk.pem"))
                .isInstanceOf(IOException.class).isNotInstanceOf(Pem.UnexpectedContentException.class)
                .hasMessageStartingWith("junk.pem: unreadable public key");
    }

    @Test
    void firstCertificateReadsOnlyTheFirstBlock() throws Exception {
        X509Certificate first = selfSigned(Sm2Keys.generate(RANDOM), Sm2Keys.SIGNATURE_ALGORITHM);
        KeyPair other = Sm2Keys.generate(RANDOM);
        String key = new String(Pem.privateKey(other.getPrivate(), null), StandardCharsets.US_ASCII);
        Path file = Files.writeString(dir.resolve("c.pem"), Pem.certificate(first) + key);

        assertThat(Pem.firstCertificate(file)).isEqualTo(first);
        assertThatThrownBy(() -> Pem.firstCertificate(key + Pem.certificate(first), "k.pem"))
                .isInstanceOf(Pem.UnexpectedContentException.class)
                .hasMessage("k.pem: expected a certificate, found PrivateKeyInfo");
        assertThatThrownBy(() -> Pem.firstCertificate("no pem here", "t.pem"))
                .isInstanceOf(Pem.UnexpectedContentException.class);
    }

    @Test
    void keysThatDoNotDecryptSayWhyWithoutACause() throws Exception {
        KeyPair sm2 = Sm2Keys.generate(RANDOM);
        String encrypted = new String(Pem.privateKey(sm2.getPrivate(), PASSPHRASE), StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> Pem.privateKeyInfo(encrypted, "k.pem", null))
                .isInstanceOfSatisfying(Pem.KeyNotDecryptedException.class, e -> assertThat(e.reason())
                        .isEqualTo(EncryptedPrivateKeys.KeyDecryptionException.Reason.NO_PASSPHRASE))
                .hasNoCause();
        assertThatThrownBy(() -> Pem.privateKeyInfo(encrypted, "k.pem", "wrong".toCharArray()))
                .isInstanceOfSatisfying(Pem.KeyNotDecryptedException.class, e -> assertThat(e.reason())
                        .isEqualTo(EncryptedPrivateKeys.KeyDecryptionException.Reason.WRONG_PASSPHRASE))
                .hasMessageContaining("k.pem")
                .hasNoCause();
        assertThatThrownBy(() -> Pem.privateKeyInfo(Pem.certificate(selfSigned(sm2, Sm2Keys.SIGNATURE_ALGORITHM)),
                "c.pem", null)).isInstanceOf(Pem.UnexpectedContentException.class)
                .hasMessage("c.pem: expected a private key, found X509CertificateHolder");
        assertThatThrownBy(() -> Pem.privateKeyInfo("", "e.pem", null))
                .isInstanceOf(Pem.UnexpectedContentException.class).hasMessage("e.pem: no private key found");
    }

    @Test
    void sm2IsToldFromOtherCurves() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);

        assertThat(Sm2Keys.isSm2(Sm2Keys.generate(RANDOM).getPublic())).isTrue();
        assertThat(Sm2Keys.isSm2(generator.generateKeyPair().getPublic())).isFalse();
        assertThat(Sm2Keys.isSm2((java.security.PublicKey) null)).isFalse();
    }

    private static X509Certificate selfSigned(KeyPair keys, String algorithm) throws Exception {
        X500Name name = new X500Name("CN=pem-test");
        Date now = new Date();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, now,
                new Date(now.getTime() + 86_400_000L), name, keys.getPublic());
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BouncyCastle.PROVIDER)
                        .build(keys.getPrivate())));
    }
}
