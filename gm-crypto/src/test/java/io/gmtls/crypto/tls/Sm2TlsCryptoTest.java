package io.gmtls.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import org.bouncycastle.jcajce.spec.SM2ParameterSpec;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.Tls13Verifier;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsNonceGenerator;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

/**
 * {@link Sm2TlsCrypto} against BouncyCastle's JCA path, which BCJSSE used before and which any other
 * RFC 8998 peer's SM2 matches: signatures and key agreement must be interchangeable with it.
 */
class Sm2TlsCryptoTest {

    /** The distinguishing ID BouncyCastle's TLS code passes for sm2sig_sm3. */
    private static final byte[] TLS13_ID = "TLSv1.3+GM+Cipher+Suite".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = certificateVerifyInput();

    private final SecureRandom random = new SecureRandom();
    private final Sm2TlsCrypto crypto = new Sm2TlsCrypto(new ProviderJcaJceHelper(BouncyCastle.PROVIDER), null,
            random, random);
    private final JcaTlsCrypto jca = new JcaTlsCryptoProvider().setProvider(BouncyCastle.PROVIDER).create(random);
    private final KeyPair key = Sm2Keys.generate(random);

    @Test
    void aContextInitialisedWithoutARandomGetsThePlatformsNotBouncyCastlesPredictionResistantDrbg() {
        // SSLContext.init(km, tm, null) reaches create(null); BouncyCastle's own choice would be its
        // "DEFAULT" DRBG, which reseeds from its entropy source on every request.
        SecureRandom chosen = new Sm2TlsCryptoProvider().create((SecureRandom) null).getSecureRandom();

        assertThat(chosen.getProvider()).isNotSameAs(BouncyCastle.PROVIDER);
        assertThat(chosen.getAlgorithm()).isEqualTo(new SecureRandom().getAlgorithm());
        SecureRandom given = new SecureRandom();
        assertThat(new Sm2TlsCryptoProvider().create(given).getSecureRandom()).isSameAs(given);
    }

    @Test
    void connectionsShareOneNonceGeneratorInsteadOfSeedingADrbgEach() {
        // BouncyCastle's own createNonceGenerator instantiates a Hash_DRBG per connection, drawing a seed
        // nonce and entropy from the nonce source each time; ours draws them once, for all connections.
        AtomicInteger draws = new AtomicInteger();
        SecureRandom counting = new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                draws.incrementAndGet();
                super.nextBytes(bytes);
            }

            @Override
            public byte[] generateSeed(int numBytes) {
                draws.incrementAndGet();
                return super.generateSeed(numBytes);
            }
        };
        Sm2TlsCrypto shared = new Sm2TlsCrypto(new ProviderJcaJceHelper(BouncyCastle.PROVIDER), null, random, counting);
        int atStart = draws.get();
        Set<String> seen = new HashSet<>();
        for (int connection = 0; connection < 200; connection++) {
            TlsNonceGenerator generator = shared.createNonceGenerator(new byte[] {(byte) connection});
            byte[] random32 = generator.generateNonce(32);
            assertThat(random32).hasSize(32);
            assertThat(seen.add(HexFormat.of().formatHex(random32))).isTrue();
            assertThat(generator.generateNonce(12)).hasSize(12);
        }
        assertThat(draws.get() - atStart).as("entropy drawn for 200 connections").isLessThan(10);
    }

    @Test
    void ourSignatureVerifiesWithBouncyCastlesJcaSignerUnderTheSameIdOnly() throws Exception {
        byte[] signature = sign(key, TLS13_ID);

        assertThat(jcaVerify(key, TLS13_ID, MESSAGE, signature)).isTrue();
        assertThat(jcaVerify(key, "1234567812345678".getBytes(StandardCharsets.US_ASCII), MESSAGE, signature)).isFalse();
        assertThat(jcaVerify(Sm2Keys.generate(random), TLS13_ID, MESSAGE, signature)).isFalse();
    }

    @Test
    void signaturesAreRandomizedAndTheKeyHandleIsReused() throws Exception {
        byte[] first = sign(key, TLS13_ID);
        byte[] second = sign(key, TLS13_ID);

        assertThat(first).isNotEqualTo(second);
        assertThat(jcaVerify(key, TLS13_ID, MESSAGE, second)).isTrue();
    }

    @Test
    void bouncyCastlesJcaSignatureVerifiesWithOursAndNothingElseDoes() throws Exception {
        byte[] signature = jcaSign(key, TLS13_ID, MESSAGE);

        assertThat(verify(key, TLS13_ID, MESSAGE, signature)).isTrue();
        byte[] altered = MESSAGE.clone();
        altered[altered.length - 1] ^= 1;
        assertThat(verify(key, TLS13_ID, altered, signature)).isFalse();
        assertThat(verify(Sm2Keys.generate(random), TLS13_ID, MESSAGE, signature)).isFalse();
        assertThat(verify(key, "1234567812345678".getBytes(StandardCharsets.US_ASCII), MESSAGE, signature))
                .isFalse();
        byte[] flipped = signature.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(verify(key, TLS13_ID, MESSAGE, flipped)).isFalse();
        // Malformed DER is a failed signature (BCJSSE answers decrypt_error), not an exception.
        assertThat(verify(key, TLS13_ID, MESSAGE, new byte[] {0x30, 0x02, 0x02, 0x00})).isFalse();
        assertThat(verify(key, TLS13_ID, MESSAGE, new byte[0])).isFalse();
    }

    @Test
    void peerKeysAreRememberedOnceAndBounded() throws Exception {
        byte[] signature = jcaSign(key, TLS13_ID, MESSAGE);
        for (int i = 0; i < 3; i++) {
            assertThat(verify(key, TLS13_ID, MESSAGE, signature)).isTrue();
        }
        assertThat(crypto.verifyingKeyCount()).isEqualTo(1);
        KeyPair other = Sm2Keys.generate(random);
        assertThat(verify(other, TLS13_ID, MESSAGE, jcaSign(other, TLS13_ID, MESSAGE))).isTrue();
        assertThat(crypto.verifyingKeyCount()).isEqualTo(2);
        assertThat(Sm2TlsCrypto.VERIFYING_KEYS).isPositive();
    }

    @Test
    void ecdheOnCurveSm2AgreesWithBouncyCastlesJcaKeyAgreementBothWays() throws Exception {
        for (int i = 0; i < 8; i++) {
            TlsAgreement ours = crypto.createECDomain(new TlsECConfig(NamedGroup.curveSM2)).createECDH();
            TlsAgreement theirs = jca.createECDomain(new TlsECConfig(NamedGroup.curveSM2)).createECDH();
            byte[] ourShare = ours.generateEphemeral();
            byte[] theirShare = theirs.generateEphemeral();
            assertThat(ourShare).hasSize(65).startsWith(0x04);
            ours.receivePeerValue(theirShare);
            theirs.receivePeerValue(ourShare);

            byte[] ourSecret = ours.calculateSecret().extract();
            byte[] theirSecret = theirs.calculateSecret().extract();
            assertThat(ourSecret).hasSize(32).isEqualTo(theirSecret);
        }
    }

    @Test
    void ecdheRefusesAShareThatIsNotAnUncompressedCurvePoint() throws Exception {
        TlsAgreement ours = crypto.createECDomain(new TlsECConfig(NamedGroup.curveSM2)).createECDH();
        ours.generateEphemeral();
        byte[] share = jca.createECDomain(new TlsECConfig(NamedGroup.curveSM2)).createECDH().generateEphemeral();

        byte[] offCurve = share.clone();
        offCurve[64] ^= 1;
        byte[] compressed = Arrays.copyOf(share, 33);
        compressed[0] = (byte) (0x02 | (share[64] & 1));
        byte[] infinity = {0x00};
        for (byte[] bad : new byte[][] {offCurve, compressed, infinity, new byte[65]}) {
            assertThatThrownBy(() -> ours.receivePeerValue(bad))
                    .isInstanceOfSatisfying(TlsFatalAlert.class,
                            e -> assertThat(e.getAlertDescription()).isEqualTo(AlertDescription.illegal_parameter));
        }
    }

    @Test
    void certificatesAreParsedOncePerEncodingAndMalformedOnesAreStillRefused() throws Exception {
        byte[] encoding = selfSigned(key).getEncoded();

        TlsCertificate first = crypto.createCertificate(encoding);
        TlsCertificate again = crypto.createCertificate(encoding.clone());
        TlsCertificate other = crypto.createCertificate(selfSigned(Sm2Keys.generate(random)).getEncoded());

        assertThat(again).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(first.getEncoded()).isEqualTo(encoding);
        assertThat(crypto.certificateCount()).isEqualTo(2);
        byte[] trailing = Arrays.copyOf(encoding, encoding.length + 1);
        assertThatThrownBy(() -> crypto.createCertificate(trailing)).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> crypto.createCertificate(Arrays.copyOf(encoding, 40)))
                .isInstanceOf(java.io.IOException.class);
        assertThat(crypto.certificateCount()).isEqualTo(2);
    }

    @Test
    void otherGroupsStayOnTheJcaPath() {
        assertThat(crypto.createECDomain(new TlsECConfig(NamedGroup.secp256r1)).getClass())
                .isEqualTo(jca.createECDomain(new TlsECConfig(NamedGroup.secp256r1)).getClass());
    }

    private static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=sm2 test");
        Date now = new Date();
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.getTime()), now,
                        new Date(now.getTime() + 86_400_000L), name, pair.getPublic())
                        .build(new JcaContentSignerBuilder(Sm2Keys.SIGNATURE_ALGORITHM)
                                .setProvider(BouncyCastle.PROVIDER).build(pair.getPrivate())));
    }

    private byte[] sign(KeyPair pair, byte[] id) throws Exception {
        TlsStreamSigner signer = crypto.createStreamSigner(Sm2Keys.SIGNATURE_ALGORITHM, new SM2ParameterSpec(id),
                pair.getPrivate(), true);
        signer.getOutputStream().write(MESSAGE);
        return signer.getSignature();
    }

    private boolean verify(KeyPair pair, byte[] id, byte[] message, byte[] signature) throws Exception {
        Tls13Verifier verifier = crypto.createTls13Verifier(Sm2Keys.SIGNATURE_ALGORITHM, new SM2ParameterSpec(id),
                pair.getPublic());
        verifier.getOutputStream().write(message);
        return verifier.verifySignature(signature);
    }

    private static byte[] jcaSign(KeyPair pair, byte[] id, byte[] message) throws Exception {
        Signature signer = Signature.getInstance(Sm2Keys.SIGNATURE_ALGORITHM, BouncyCastle.PROVIDER);
        signer.setParameter(new SM2ParameterSpec(id));
        signer.initSign(pair.getPrivate());
        signer.update(message);
        return signer.sign();
    }

    private static boolean jcaVerify(KeyPair pair, byte[] id, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(Sm2Keys.SIGNATURE_ALGORITHM, BouncyCastle.PROVIDER);
        verifier.setParameter(new SM2ParameterSpec(id));
        verifier.initVerify(pair.getPublic());
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** RFC 8446 4.4.3: 64 spaces, the context string, a zero byte, a transcript hash (here a fixed one). */
    private static byte[] certificateVerifyInput() {
        byte[] context = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[64 + context.length + 1 + 32];
        Arrays.fill(input, 0, 64, (byte) 0x20);
        System.arraycopy(context, 0, input, 64, context.length);
        for (int i = 0; i < 32; i++) {
            input[64 + context.length + 1 + i] = (byte) i;
        }
        return input;
    }
}
