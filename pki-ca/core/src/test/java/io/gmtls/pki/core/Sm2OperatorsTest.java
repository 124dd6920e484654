package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.crypto.Sm2Operators;
import java.io.OutputStream;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.Test;

/** The fast SM2 paths agree with the JCA (BouncyCastle provider) SM3withSM2 implementation. */
class Sm2OperatorsTest {

    @Test
    void pooledSignersProduceStandardSignaturesOneAfterAnother() throws Exception {
        KeyPair key = TestSupport.sm2();
        Sm2Operators.SignerPool pool = new Sm2Operators.SignerPool(Sm2Keys.privateParameters(key.getPrivate()),
                TestSupport.RANDOM);
        Signature jca = Signature.getInstance("SM3withSM2", GmCrypto.provider());
        for (int i = 0; i < 5; i++) { // each reuses the pooled, already initialised signer
            byte[] message = ("message " + i).getBytes();
            ContentSigner signer = pool.contentSigner();
            assertThat(signer.getAlgorithmIdentifier().getAlgorithm()).isEqualTo(GMObjectIdentifiers.sm2sign_with_sm3);
            try (OutputStream out = signer.getOutputStream()) {
                out.write(message);
            }
            byte[] signature = signer.getSignature();
            jca.initVerify(key.getPublic());
            jca.update(message);
            assertThat(jca.verify(signature)).as("signature " + i).isTrue();
            jca.initVerify(key.getPublic());
            jca.update(("other " + i).getBytes());
            assertThat(jca.verify(signature)).isFalse();

            // and our verifier accepts the JCA's signatures
            Signature sign = Signature.getInstance("SM3withSM2", GmCrypto.provider());
            sign.initSign(key.getPrivate());
            sign.update(message);
            ContentVerifier verifier = Sm2Operators.verifierProvider(Sm2Keys.publicParameters(key.getPublic()))
                    .get(Sm2Operators.SM3_WITH_SM2);
            verifier.getOutputStream().write(message);
            assertThat(verifier.verify(sign.sign())).isTrue();
        }
        assertThatThrownBy(() -> Sm2Operators.verifierProvider(Sm2Keys.publicParameters(key.getPublic()))
                .get(new AlgorithmIdentifier(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.ecdsa_with_SHA256)))
                .isInstanceOf(OperatorCreationException.class);
    }

    @Test
    void generatedKeysEncodeAsNamedCurveSm2Keys() throws Exception {
        KeyPair key = Sm2Keys.generate(TestSupport.RANDOM);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        assertThat(spki.getAlgorithm().getParameters()).isEqualTo(GMObjectIdentifiers.sm2p256v1);
        assertThat(Sm2Keys.subjectPublicKeyInfo(Sm2Keys.publicParameters(key.getPublic()).getQ()).getEncoded())
                .isEqualTo(key.getPublic().getEncoded());
        assertThat(KeyFactory.getInstance("EC", GmCrypto.provider())
                .generatePublic(new X509EncodedKeySpec(key.getPublic().getEncoded())).getEncoded())
                .isEqualTo(key.getPublic().getEncoded());
        assertThat(Sm2Keys.isSm2(key.getPublic())).isTrue();
        assertThat(Sm2Keys.isSm2(TestSupport.ec("secp256r1").getPublic())).isFalse();
        // a JCA-made key signs, the other verifies
        Signature s = Signature.getInstance("SM3withSM2", GmCrypto.provider());
        s.initSign(key.getPrivate());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(KeyFactory.getInstance("EC", GmCrypto.provider())
                .generatePublic(new X509EncodedKeySpec(key.getPublic().getEncoded())));
        s.update(new byte[] {1, 2, 3});
        assertThat(s.verify(sig)).isTrue();
    }

    @Test
    void keysOnTheGenericSm2CurveAreMovedToTheFastOne() throws Exception {
        var generic = org.bouncycastle.asn1.gm.GMNamedCurves.getByName("sm2p256v1");
        assertThat(generic.getCurve()).isNotSameAs(Sm2Keys.CURVE.getCurve());
        KeyPair recipient = TestSupport.sm2();
        var q = generic.getCurve().decodePoint(Sm2Keys.encodePoint(recipient.getPublic()));
        var spec = new org.bouncycastle.jce.spec.ECParameterSpec(generic.getCurve(), generic.getG(), generic.getN(),
                generic.getH());
        var onGeneric = KeyFactory.getInstance("EC", GmCrypto.provider())
                .generatePublic(new org.bouncycastle.jce.spec.ECPublicKeySpec(q, spec));
        assertThat(Sm2Keys.isSm2(onGeneric)).isTrue();
        assertThat(Sm2Keys.publicParameters(onGeneric).getQ().getCurve()).isSameAs(Sm2Keys.CURVE.getCurve());
        KeyPair sealed = TestSupport.sm2();
        byte[] envelope = io.gmtls.pki.core.crypto.Sm2EnvelopedKey.seal(sealed, onGeneric, TestSupport.RANDOM).encoded();
        assertThat(io.gmtls.pki.core.crypto.Sm2EnvelopedKey.parse(envelope).open(recipient.getPrivate()).getPublic()
                .getEncoded()).isEqualTo(sealed.getPublic().getEncoded());
    }
}
