package io.gmtls.proxy.warmup;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.tls.CertificateCredential;

/**
 * A throwaway PKI for the warm-up, made in memory at start and dropped after it: an SM2 root and issuing
 * CA with server and client signing and encryption certificates, an ECDSA P-256 root and issuing CA
 * with a server and a client certificate — chains of the shape vehicles and gateways present (end
 * entity and issuing CA, anchored at a root), so path validation runs as it does for them. Nothing here
 * is trusted by the real listeners (their trust comes from the configuration only) and no key leaves
 * the process.
 */
final class WarmUpPki {

    /** Host name in the server certificates (a reserved name, RFC 2606), checked by the warm-up clients. */
    static final String HOST = "warm-up.invalid";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The SM2 root: the warm-up's TLCP and TLS 1.3 SM trust anchor. */
    final X509Certificate sm2Ca;
    final CertificateCredential sm2ServerSign;
    final CertificateCredential sm2ServerEnc;
    final CertificateCredential sm2ClientSign;
    final CertificateCredential sm2ClientEnc;
    /** The ECDSA root: the warm-up's TLS 1.3 ECDSA trust anchor. */
    final X509Certificate ecdsaCa;
    final CertificateCredential ecdsaServer;
    final CertificateCredential ecdsaClient;

    private WarmUpPki() throws GeneralSecurityException {
        KeyPair sm2RootKeys = keys("sm2p256v1");
        sm2Ca = ca(sm2RootKeys, "SM3withSM2", "CN=gateway warm-up SM2 root CA");
        KeyPair sm2CaKeys = keys("sm2p256v1");
        X509Certificate sm2Issuing = issuing(sm2Ca, sm2RootKeys.getPrivate(), sm2CaKeys, "SM3withSM2",
                "CN=gateway warm-up SM2 issuing CA");
        sm2ServerSign = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", "CN=" + HOST,
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_serverAuth, true);
        sm2ServerEnc = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", "CN=" + HOST,
                KeyUsage.keyEncipherment | KeyUsage.keyAgreement | KeyUsage.dataEncipherment,
                KeyPurposeId.id_kp_serverAuth, true);
        sm2ClientSign = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", "CN=WARMUP0000000001",
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_clientAuth, false);
        sm2ClientEnc = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", "CN=WARMUP0000000001",
                KeyUsage.keyEncipherment | KeyUsage.keyAgreement | KeyUsage.dataEncipherment,
                KeyPurposeId.id_kp_clientAuth, false);
        KeyPair ecdsaRootKeys = keys("secp256r1");
        ecdsaCa = ca(ecdsaRootKeys, "SHA256withECDSA", "CN=gateway warm-up ECDSA root CA");
        KeyPair ecdsaCaKeys = keys("secp256r1");
        X509Certificate ecdsaIssuing = issuing(ecdsaCa, ecdsaRootKeys.getPrivate(), ecdsaCaKeys, "SHA256withECDSA",
                "CN=gateway warm-up ECDSA issuing CA");
        ecdsaServer = leaf(ecdsaIssuing, ecdsaCaKeys.getPrivate(), "SHA256withECDSA", "secp256r1", "CN=" + HOST,
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_serverAuth, true);
        ecdsaClient = leaf(ecdsaIssuing, ecdsaCaKeys.getPrivate(), "SHA256withECDSA", "secp256r1",
                "CN=WARMUP0000000001", KeyUsage.digitalSignature, KeyPurposeId.id_kp_clientAuth, false);
    }

    /** A fresh throwaway PKI. */
    static WarmUpPki create() throws GeneralSecurityException {
        return new WarmUpPki();
    }

    private static KeyPair keys(String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new ECGenParameterSpec(curve), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate ca(KeyPair keys, String algorithm, String subject) throws GeneralSecurityException {
        X500Name name = new X500Name(subject);
        X509v3CertificateBuilder builder = builder(name, name, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
        return sign(builder, keys.getPrivate(), algorithm);
    }

    /** An issuing CA under {@code root}: it signs the leaves. */
    private static X509Certificate issuing(X509Certificate root, PrivateKey rootKey, KeyPair keys, String algorithm,
            String subject) throws GeneralSecurityException {
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                new X500Name(subject), keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
        return sign(builder, rootKey, algorithm);
    }

    private static CertificateCredential leaf(X509Certificate ca, PrivateKey caKey, String algorithm, String curve,
            String subject, int keyUsage, KeyPurposeId purpose, boolean server) throws GeneralSecurityException {
        KeyPair keys = keys(curve);
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name(subject), keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, HOST)));
            }
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
        return CertificateCredential.of(keys.getPrivate(), sign(builder, caKey, algorithm), ca);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).setBit(63),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, String algorithm)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER)
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm)
                            .setProvider(BouncyCastle.PROVIDER).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
