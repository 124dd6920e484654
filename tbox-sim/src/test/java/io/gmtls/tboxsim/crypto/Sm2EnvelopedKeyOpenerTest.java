package io.gmtls.tboxsim.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;

/**
 * The envelope opener against envelopes from two other producers: pki-ca's CA core (what cert-enrollment
 * will send) and one assembled here from OpenSSL's SM2 encryption and SM4-ECB (an independent
 * implementation of both primitives); plus every way an envelope can be wrong.
 */
class Sm2EnvelopedKeyOpenerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final KeyPair vehicleSigning = Sm2Keys.generate(RANDOM);
    private final KeyPair encryption = Sm2Keys.generate(RANDOM);

    @Test
    void opensWhatThePkiCaCoreSeals() throws Exception {
        byte[] der = Sm2EnvelopedKey.seal(encryption, vehicleSigning.getPublic(), RANDOM).encoded();

        KeyPair opened = Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate());

        assertSamePair(opened, encryption);
        assertThat(Sm2EnvelopedKeyOpener.publicKey(der)).isEqualTo(Sm2Keys.encodePoint(encryption.getPublic()));
    }

    @Test
    void opensAnEnvelopeMadeWithOpenSsl() throws Exception {
        byte[] sm4Key = random(16);
        byte[] sm2Cipher = openSslSm2Encrypt(sm4Key);
        byte[] encrypted = openSslSm4Ecb(sm4Key, scalar(encryption));
        byte[] der = envelope(GMObjectIdentifiers.sms4_ecb, sm2Cipher, Sm2Keys.encodePoint(encryption.getPublic()), encrypted);

        assertSamePair(Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()), encryption);
    }

    @Test
    void acceptsThePkcs7PaddedForm() throws Exception {
        byte[] sm4Key = random(16);
        byte[] padded = Arrays.copyOf(scalar(encryption), 48);
        Arrays.fill(padded, 32, 48, (byte) 16);
        byte[] der = envelope(GMObjectIdentifiers.sms4_ecb, bcSm2Cipher(sm4Key), Sm2Keys.encodePoint(encryption.getPublic()),
                sm4Ecb(sm4Key, padded));

        assertSamePair(Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()), encryption);
    }

    @Test
    void refusesBadPadding() {
        byte[] sm4Key = random(16);
        byte[] padded = Arrays.copyOf(scalar(encryption), 48);
        Arrays.fill(padded, 32, 48, (byte) 15);
        byte[] der = envelope(GMObjectIdentifiers.sms4_ecb, bcSm2Cipher(sm4Key), Sm2Keys.encodePoint(encryption.getPublic()),
                sm4Ecb(sm4Key, padded));

        assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("padding");
    }

    @Test
    void refusesAnEnvelopeSealedToAnotherKey() {
        KeyPair someoneElse = Sm2Keys.generate(RANDOM);
        byte[] der = Sm2EnvelopedKey.seal(encryption, someoneElse.getPublic(), RANDOM).encoded();

        assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("SM2 decryption");
    }

    @Test
    void refusesATamperedSm2CheckValue() throws Exception {
        byte[] sm4Key = random(16);
        byte[] cipher = bcSm2Cipher(sm4Key);
        cipher[cipher.length - 20] ^= 1; // inside C2 (the wrapped key): C3 no longer matches
        byte[] der = envelope(GMObjectIdentifiers.sms4_ecb, cipher, Sm2Keys.encodePoint(encryption.getPublic()),
                sm4Ecb(sm4Key, scalar(encryption)));

        assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void refusesAPrivateKeyThatIsNotTheEnvelopesPublicKey() {
        byte[] sm4Key = random(16);
        KeyPair other = Sm2Keys.generate(RANDOM);
        byte[] der = envelope(GMObjectIdentifiers.sms4_ecb, bcSm2Cipher(sm4Key), Sm2Keys.encodePoint(other.getPublic()),
                sm4Ecb(sm4Key, scalar(encryption)));

        assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not belong");
    }

    @Test
    void refusesOtherSymmetricAlgorithms() {
        byte[] sm4Key = random(16);
        byte[] der = envelope(GMObjectIdentifiers.sms4_cbc, bcSm2Cipher(sm4Key), Sm2Keys.encodePoint(encryption.getPublic()),
                sm4Ecb(sm4Key, scalar(encryption)));

        assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("unsupported symmetric algorithm");
    }

    @Test
    void refusesMalformedInputWithoutLeakingKeys() {
        byte[] good = Sm2EnvelopedKey.seal(encryption, vehicleSigning.getPublic(), RANDOM).encoded();
        List<byte[]> bad = List.of(new byte[0], new byte[5000], Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, good.length + 2), new byte[] {0x30, 0x00}, new byte[] {0x04, 0x01, 0x00});
        String secret = scalarHex(encryption);
        for (byte[] der : bad) {
            assertThatThrownBy(() -> Sm2EnvelopedKeyOpener.open(der, vehicleSigning.getPrivate()))
                    .isInstanceOf(GeneralSecurityException.class)
                    .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(secret));
        }
        // Every single-byte corruption is refused or, if it only touched DER redundancy, yields the same key.
        for (int i = 0; i < good.length; i++) {
            byte[] corrupt = good.clone();
            corrupt[i] ^= 0x5a;
            try {
                assertSamePair(Sm2EnvelopedKeyOpener.open(corrupt, vehicleSigning.getPrivate()), encryption);
            } catch (GeneralSecurityException expected) {
                assertThat(expected.getMessage()).startsWith("SM2EnvelopedKey");
            }
        }
    }

    private static void assertSamePair(KeyPair actual, KeyPair expected) {
        assertThat(Sm2Keys.encodePoint(actual.getPublic())).isEqualTo(Sm2Keys.encodePoint(expected.getPublic()));
        assertThat(((ECPrivateKey) actual.getPrivate()).getS()).isEqualTo(((ECPrivateKey) expected.getPrivate()).getS());
    }

    private static byte[] scalar(KeyPair pair) {
        return BigIntegers.asUnsignedByteArray(32, ((ECPrivateKey) pair.getPrivate()).getS());
    }

    private static String scalarHex(KeyPair pair) {
        return ((ECPrivateKey) pair.getPrivate()).getS().toString(16);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] envelope(ASN1ObjectIdentifier algorithm, byte[] sm2CipherDer, byte[] point, byte[] encrypted) {
        try {
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new AlgorithmIdentifier(algorithm));
            v.add(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(sm2CipherDer));
            v.add(new DERBitString(point));
            v.add(new DERBitString(encrypted));
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SM2Cipher DER (x, y, C3, C2) from BouncyCastle's raw C1C3C2. */
    private byte[] bcSm2Cipher(byte[] plain) {
        try {
            SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
            engine.init(true, new ParametersWithRandom(ECUtil.generatePublicKeyParameter(vehicleSigning.getPublic()), RANDOM));
            byte[] raw = engine.processBlock(plain, 0, plain.length);
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33))));
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 33, 65))));
            v.add(new DEROctetString(Arrays.copyOfRange(raw, 65, 97)));
            v.add(new DEROctetString(Arrays.copyOfRange(raw, 97, raw.length)));
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sm4Ecb(byte[] key, byte[] plain) {
        SM4Engine engine = new SM4Engine();
        engine.init(true, new KeyParameter(key));
        byte[] out = new byte[plain.length];
        for (int off = 0; off < plain.length; off += 16) {
            engine.processBlock(plain, off, out, off);
        }
        return out;
    }

    private byte[] openSslSm2Encrypt(byte[] plain) throws Exception {
        Path pub = dir.resolve("recipient.pem");
        try (PemWriter writer = new PemWriter(Files.newBufferedWriter(pub))) {
            writer.writeObject(new PemObject("PUBLIC KEY", vehicleSigning.getPublic().getEncoded()));
        }
        Path in = dir.resolve("sm4.key");
        Path out = dir.resolve("sm4.key.sm2");
        Files.write(in, plain);
        openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pub.toString(), "-in", in.toString(), "-out", out.toString());
        return Files.readAllBytes(out);
    }

    private byte[] openSslSm4Ecb(byte[] key, byte[] plain) throws Exception {
        Path in = dir.resolve("d.bin");
        Path out = dir.resolve("d.bin.sm4");
        Files.write(in, plain);
        openssl("enc", "-sm4-ecb", "-nopad", "-K", java.util.HexFormat.of().formatHex(key), "-in", in.toString(),
                "-out", out.toString());
        return Files.readAllBytes(out);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(output)).isZero();
    }
}
