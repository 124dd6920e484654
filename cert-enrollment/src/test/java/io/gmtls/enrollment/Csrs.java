package io.gmtls.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.crypto.Sm2Keys;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test helpers: keys, CSRs, PEM, and what a T-Box does with an enrollment answer. */
final class Csrs {

    static final SecureRandom RANDOM = new SecureRandom();

    private Csrs() {
    }

    static KeyPair sm2() {
        return Sm2Keys.generate(RANDOM);
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", GmCrypto.provider());
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** A DER PKCS#10 with subject {@code C=CN, O=GM TLS Dev, OU=T-Box, CN=<cn>}. */
    static byte[] csr(KeyPair key, String cn) throws Exception {
        String subject = cn == null ? "C=CN,O=GM TLS Dev,OU=T-Box" : "C=CN,O=GM TLS Dev,OU=T-Box,CN=" + cn;
        String alg = Sm2Keys.isSm2(key.getPublic()) ? "SM3withSM2" : "SHA256withECDSA";
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .build(new JcaContentSignerBuilder(alg).setProvider(GmCrypto.provider()).build(key.getPrivate()))
                .getEncoded();
    }

    /**
     * A CSR for the pair's key with the point compressed in its subjectPublicKeyInfo (the same key,
     * another encoding), signed by the pair.
     */
    static byte[] csrWithCompressedKey(KeyPair key, String cn) throws Exception {
        var standard = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        var compressed = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(standard.getAlgorithm(),
                ((org.bouncycastle.jce.interfaces.ECPublicKey) key.getPublic()).getQ().getEncoded(true));
        String alg = Sm2Keys.isSm2(key.getPublic()) ? "SM3withSM2" : "SHA256withECDSA";
        return new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(
                new X500Name("C=CN,O=GM TLS Dev,OU=T-Box,CN=" + cn), compressed)
                .build(new JcaContentSignerBuilder(alg).setProvider(GmCrypto.provider()).build(key.getPrivate()))
                .getEncoded();
    }

    /** The same CSR with one bit of its signature flipped (still well-formed DER). */
    static byte[] brokenSignature(byte[] der) {
        byte[] copy = der.clone();
        copy[copy.length - 1] ^= 0x01;
        return copy;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static X509Certificate certificate(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                .generateCertificate(new ByteArrayInputStream(der));
    }

    /**
     * What the T-Box does: opens the envelope with its signing key and checks the encryption key pair
     * belongs to the encryption certificate (same public key, and an SM2 encryption to the certificate
     * decrypts with the private key). Returns the pair.
     */
    static KeyPair openAndCheck(byte[] envelope, KeyPair signing, X509Certificate encCertificate) throws Exception {
        KeyPair enc = Sm2EnvelopedKey.parse(envelope).open(signing.getPrivate());
        assertThat(Sm2Keys.encodePoint(enc.getPublic())).isEqualTo(Sm2Keys.encodePoint(encCertificate.getPublicKey()));
        byte[] message = "T-Box key check".getBytes(StandardCharsets.UTF_8);
        SM2Engine encrypt = new SM2Engine();
        encrypt.init(true, new ParametersWithRandom(Sm2Keys.publicParameters(encCertificate.getPublicKey()), RANDOM));
        byte[] cipher = encrypt.processBlock(message, 0, message.length);
        SM2Engine decrypt = new SM2Engine();
        decrypt.init(false, Sm2Keys.privateParameters(enc.getPrivate()));
        assertThat(decrypt.processBlock(cipher, 0, cipher.length)).isEqualTo(message);
        return enc;
    }
}
