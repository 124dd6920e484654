package io.gmtls.crypto.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gmtls.crypto.pem.EncryptedPrivateKeys.KeyDecryptionException;
import io.gmtls.crypto.pem.EncryptedPrivateKeys.KeyDecryptionException.Reason;
import io.gmtls.crypto.BouncyCastle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypted PKCS#8 keys as GmSSL 3 ({@code gmssl sm2keygen -pass 1234}), OpenSSL 3.0 and BouncyCastle
 * write them. The GmSSL files and their plain equivalents are the ones of the recorded GmSSL sessions
 * (see {@code gmssl-keys/README.md}).
 */
class EncryptedPrivateKeysTest {

    private static final char[] PASSPHRASE = "1234".toCharArray();

    @ParameterizedTest
    @ValueSource(strings = {"server_sign", "server_enc", "client_sign", "client_enc"})
    void gmsslKeysDecryptToExactlyThePlainKeys(String name) throws Exception {
        PKCS8EncryptedPrivateKeyInfo encrypted = encrypted("encrypted/" + name + ".key");
        // The file is what the issue describes: PBES2, PBKDF2 with GmSSL's HMAC-SM3 identifier, SM4-CBC.
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(encrypted.getEncryptionAlgorithm().getParameters());
        assertThat(PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters()).getPrf().getAlgorithm())
                .isEqualTo(EncryptedPrivateKeys.GMSSL_HMAC_SM3);
        assertThat(pbes2.getEncryptionScheme().getAlgorithm()).isEqualTo(EncryptedPrivateKeys.SM4_CBC);

        PrivateKeyInfo decrypted = EncryptedPrivateKeys.decrypt(encrypted, PASSPHRASE, name);

        assertThat(decrypted.getEncoded()).isEqualTo(plain("plain/" + name + ".key").getEncoded());
    }

    @Test
    void wrongPassphraseGivesOneClearErrorWithoutThePassphrase() throws Exception {
        for (String wrong : new String[] {"12345", "4321", "", "1234 "}) {
            assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(encrypted("encrypted/server_sign.key"),
                    wrong.toCharArray(), "keys/server_sign.key"))
                    .isInstanceOf(KeyDecryptionException.class)
                    .hasMessage("wrong passphrase or corrupt key file: keys/server_sign.key")
                    .hasNoCause()
                    .satisfies(e -> assertThat(((KeyDecryptionException) e).reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
        }
    }

    @Test
    void aDamagedCiphertextIsReportedLikeAWrongPassphrase() throws Exception {
        EncryptedPrivateKeyInfo info = encrypted("encrypted/client_sign.key").toASN1Structure();
        byte[] data = info.getEncryptedData();
        data[data.length - 20] ^= 0x01;
        PKCS8EncryptedPrivateKeyInfo damaged = new PKCS8EncryptedPrivateKeyInfo(
                new EncryptedPrivateKeyInfo(info.getEncryptionAlgorithm(), data));

        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(damaged, PASSPHRASE, "client_sign.key"))
                .hasMessage("wrong passphrase or corrupt key file: client_sign.key");
    }

    @Test
    void noPassphraseIsSaidPlainly() throws Exception {
        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(encrypted("encrypted/client_enc.key"), null, "k.key"))
                .hasMessage("k.key: the private key is encrypted and no passphrase was given")
                .satisfies(e -> assertThat(((KeyDecryptionException) e).reason()).isEqualTo(Reason.NO_PASSPHRASE));
    }

    @Test
    void opensslPbes2KeyStillLoads() throws Exception {
        // openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 (OpenSSL 3.0's default form)
        PrivateKeyInfo decrypted = EncryptedPrivateKeys.decrypt(
                encrypted("openssl/aes256-cbc-hmac-sha256.key"), PASSPHRASE, "aes");
        assertThat(decrypted.getEncoded()).isEqualTo(plain("plain/server_sign.key").getEncoded());
    }

    @Test
    void opensslLegacyPkcs12PbeKeyStillLoads() throws Exception {
        // openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES
        PrivateKeyInfo decrypted = EncryptedPrivateKeys.decrypt(
                encrypted("openssl/pbe-sha1-3des.key"), PASSPHRASE, "3des");
        assertThat(decrypted.getEncoded()).isEqualTo(plain("plain/server_sign.key").getEncoded());
        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(encrypted("openssl/pbe-sha1-3des.key"),
                "nope".toCharArray(), "3des"))
                .hasMessage("wrong passphrase or corrupt key file: 3des");
    }

    @Test
    void keysThisProjectWritesStillLoad() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new ECGenParameterSpec("sm2p256v1"));
        PrivateKey key = generator.generateKeyPair().getPrivate();
        byte[] pem = Pem.privateKey(key, PASSPHRASE);

        PKCS8EncryptedPrivateKeyInfo encrypted;
        try (PEMParser parser = new PEMParser(new InputStreamReader(
                new java.io.ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            encrypted = (PKCS8EncryptedPrivateKeyInfo) parser.readObject();
        }
        assertThat(EncryptedPrivateKeys.decrypt(encrypted, PASSPHRASE, "bc").getEncoded()).isEqualTo(key.getEncoded());
    }

    @Test
    void bouncyCastlesHmacSm3IdentifierDerivesTheSameKey() throws Exception {
        PKCS8EncryptedPrivateKeyInfo gmssl = encrypted("encrypted/server_enc.key");
        PKCS8EncryptedPrivateKeyInfo renamed = withKdf(gmssl, EncryptedPrivateKeys.HMAC_SM3, null);

        assertThat(EncryptedPrivateKeys.decrypt(renamed, PASSPHRASE, "k").getEncoded())
                .isEqualTo(plain("plain/server_enc.key").getEncoded());
    }

    @Test
    void anAbsurdIterationCountIsRefusedAtOnce() throws Exception {
        PKCS8EncryptedPrivateKeyInfo crafted = withKdf(encrypted("encrypted/server_sign.key"),
                EncryptedPrivateKeys.GMSSL_HMAC_SM3, 2_000_000_000);
        // 2e9 HMAC-SM3 rounds would take the better part of an hour: the bound must refuse before deriving.
        KeyDecryptionException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                EncryptedPrivateKeys.decrypt(crafted, PASSPHRASE, "crafted.key");
                throw new AssertionError("decrypted a crafted key");
            } catch (KeyDecryptionException expected) {
                return expected;
            }
        });
        assertThat(e.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
        assertThat(e).hasMessageContaining("crafted.key").hasMessageContaining("2000000000")
                .hasMessageContaining(String.valueOf(EncryptedPrivateKeys.MAX_ITERATIONS));

        PKCS8EncryptedPrivateKeyInfo justOver = withKdf(encrypted("encrypted/server_sign.key"),
                EncryptedPrivateKeys.GMSSL_HMAC_SM3, EncryptedPrivateKeys.MAX_ITERATIONS + 1);
        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(justOver, PASSPHRASE, "k"))
                .satisfies(x -> assertThat(((KeyDecryptionException) x).reason()).isEqualTo(Reason.LIMIT_EXCEEDED));
    }

    @Test
    void anUnknownPrfIsUnsupportedAndNamed() throws Exception {
        PKCS8EncryptedPrivateKeyInfo unknown = withKdf(encrypted("encrypted/client_sign.key"),
                new ASN1ObjectIdentifier("1.2.3.4.5"), null);

        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(unknown, PASSPHRASE, "x.key"))
                .hasMessageStartingWith("x.key: unsupported private key encryption: PBKDF2 PRF 1.2.3.4.5, cipher "
                        + EncryptedPrivateKeys.SM4_CBC)
                .satisfies(e -> assertThat(((KeyDecryptionException) e).reason()).isEqualTo(Reason.UNSUPPORTED));
    }

    @Test
    void anUnknownCipherIsUnsupportedAndNamed() throws Exception {
        PKCS8EncryptedPrivateKeyInfo gmssl = encrypted("encrypted/client_sign.key");
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(gmssl.getEncryptionAlgorithm().getParameters());
        ASN1ObjectIdentifier sm4Ecb = new ASN1ObjectIdentifier("1.2.156.10197.1.104.1");
        PBES2Parameters changed = new PBES2Parameters(pbes2.getKeyDerivationFunc(),
                new EncryptionScheme(sm4Ecb, pbes2.getEncryptionScheme().getParameters()));
        PKCS8EncryptedPrivateKeyInfo unknown = new PKCS8EncryptedPrivateKeyInfo(new EncryptedPrivateKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, changed), gmssl.getEncryptedData()));

        assertThatThrownBy(() -> EncryptedPrivateKeys.decrypt(unknown, PASSPHRASE, "x.key"))
                .hasMessageContaining("PBKDF2 PRF " + EncryptedPrivateKeys.GMSSL_HMAC_SM3 + ", cipher " + sm4Ecb);
    }

    /** The same key and encryption scheme, with another PRF identifier and optionally iteration count. */
    private static PKCS8EncryptedPrivateKeyInfo withKdf(PKCS8EncryptedPrivateKeyInfo original, ASN1ObjectIdentifier prf,
            Integer iterations) {
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(original.getEncryptionAlgorithm().getParameters());
        PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        PBKDF2Params changed = new PBKDF2Params(kdf.getSalt(),
                iterations == null ? kdf.getIterationCount().intValueExact() : iterations,
                kdf.getKeyLength().intValueExact(), new AlgorithmIdentifier(prf));
        PBES2Parameters parameters = new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, changed), pbes2.getEncryptionScheme());
        return new PKCS8EncryptedPrivateKeyInfo(new EncryptedPrivateKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, parameters), original.getEncryptedData()));
    }

    private static PKCS8EncryptedPrivateKeyInfo encrypted(String resource) throws IOException {
        return (PKCS8EncryptedPrivateKeyInfo) read(resource);
    }

    private static PrivateKeyInfo plain(String resource) throws IOException {
        return (PrivateKeyInfo) read(resource);
    }

    private static Object read(String resource) throws IOException {
        InputStream in = EncryptedPrivateKeysTest.class.getResourceAsStream("/gmssl-keys/" + resource);
        assertThat(in).as(resource).isNotNull();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            return parser.readObject();
        }
    }
}
