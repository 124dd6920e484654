package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.crypto.Sm2Keys;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sm2EnvelopedKeyTest {

    @TempDir
    Path dir;

    @Test
    void sealedKeyOpensWithTheRecipientKeyOnly() throws Exception {
        KeyPair recipient = TestSupport.sm2();
        KeyPair protectedPair = TestSupport.sm2();
        byte[] der = Sm2EnvelopedKey.seal(protectedPair, recipient.getPublic(), TestSupport.RANDOM).encoded();

        KeyPair opened = Sm2EnvelopedKey.parse(der).open(recipient.getPrivate());
        assertThat(((ECPrivateKey) opened.getPrivate()).getS()).isEqualTo(((ECPrivateKey) protectedPair.getPrivate()).getS());
        assertThat(opened.getPublic().getEncoded()).isEqualTo(protectedPair.getPublic().getEncoded());

        KeyPair stranger = TestSupport.sm2();
        assertThatThrownBy(() -> Sm2EnvelopedKey.parse(der).open(stranger.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void tamperedEnvelopeIsRefused() throws Exception {
        KeyPair recipient = TestSupport.sm2();
        byte[] der = Sm2EnvelopedKey.seal(TestSupport.sm2(), recipient.getPublic(), TestSupport.RANDOM).encoded();
        byte[] flipped = der.clone();
        flipped[flipped.length - 1] ^= 1; // last byte of sm2EncryptedPrivateKey
        assertThatThrownBy(() -> Sm2EnvelopedKey.parse(flipped).open(recipient.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> Sm2EnvelopedKey.parse(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> Sm2EnvelopedKey.parse(new byte[5000])).isInstanceOf(GeneralSecurityException.class);
    }

    /**
     * The system openssl (an independent SM2 implementation) decrypts the SM2Cipher part with the
     * recipient key, and SM4-ECB with the recovered key gives the private scalar of the sealed pair.
     */
    @Test
    void opensslOpensTheEnvelope() throws Exception {
        KeyPair recipient = TestSupport.sm2();
        KeyPair protectedPair = TestSupport.sm2();
        Sm2EnvelopedKey envelope = Sm2EnvelopedKey.seal(protectedPair, recipient.getPublic(), TestSupport.RANDOM);
        TestSupport.write(dir.resolve("recipient.key"), TestSupport.privateKeyPem(recipient.getPrivate()));
        Files.write(dir.resolve("cipher.der"), envelope.symEncryptedKey().encoded());
        Files.write(dir.resolve("priv.enc"), envelope.encryptedPrivateKey());

        var decrypt = TestSupport.openssl(dir, "pkeyutl", "-decrypt", "-inkey", "recipient.key", "-in", "cipher.der",
                "-out", "sm4.key");
        assertThat(decrypt.exit()).as(decrypt.output()).isZero();
        byte[] sm4 = Files.readAllBytes(dir.resolve("sm4.key"));
        assertThat(sm4).hasSize(16);

        var enc = TestSupport.openssl(dir, "enc", "-d", "-sm4-ecb", "-nopad", "-K",
                java.util.HexFormat.of().formatHex(sm4), "-in", "priv.enc", "-out", "priv.raw");
        assertThat(enc.exit()).as(enc.output()).isZero();
        BigInteger d = new BigInteger(1, Files.readAllBytes(dir.resolve("priv.raw")));
        assertThat(Sm2Keys.fromPrivateScalar(d).getPublic().getEncoded())
                .isEqualTo(protectedPair.getPublic().getEncoded());
    }
}
