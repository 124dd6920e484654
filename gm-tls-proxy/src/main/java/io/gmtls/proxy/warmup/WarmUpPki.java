package io.gmtls.proxy.warmup;

import java.io.IOException;
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

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.tls.CertificateCredential;

/**
 * A throwaway PKI for the warm-up, made in memory at start and dropped after it: an SM2 root and issuing
 * CA with server and client signing and encryption certificates, an ECDSA P-256 root and issuing CA
 * with a server and a client certificate — chains of the shape vehicles and gateways present (end
 * entity and issuing CA, anchored at a root), so path validation runs as it does for them; and a CRL of
 * each issuing CA revoking a few other serial numbers, so the revocation lookup runs as it does for a
 * fleet. Names have a fleet's shape ({@code C} a PrintableString, {@code O}, {@code OU} and {@code CN}
 * UTF8Strings): the DN formatting of the client identity then takes the paths real certificates take,
 * and the code the warm-up compiles is not thrown away by the first vehicle. Nothing here is trusted by
 * the real listeners (their trust comes from the configuration only) and no key leaves the process.
 */
final class WarmUpPki {

    /** Host name in the server certificates (a reserved name, RFC 2606), checked by the warm-up clients. */
    static final String HOST = "warm-up.invalid";
    /** The DN prefix of every warm-up certificate. */
    private static final String ORG = "C=CN, O=gmtls gateway warm-up, ";
    /** The warm-up vehicle's subject: a fleet certificate's shape. */
    static final String CLIENT_SUBJECT = ORG + "OU=T-Box, CN=WARMUP0000000001";
    /** Serial numbers each warm-up CRL revokes: more than two, as a fleet's CRL does. */
    static final int REVOKED_PER_CRL = 3;

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
    /** The SM2 issuing CA (issuer of the leaves and of {@link #sm2Crl}). */
    final X509Certificate sm2Issuing;
    /** The ECDSA issuing CA (issuer of the leaves and of {@link #ecdsaCrl}). */
    final X509Certificate ecdsaIssuing;
    /** The SM2 issuing CA's CRL (DER), none of the warm-up's certificates on it. */
    final byte[] sm2Crl;
    /** The ECDSA issuing CA's CRL (DER), none of the warm-up's certificates on it. */
    final byte[] ecdsaCrl;

    private WarmUpPki() throws GeneralSecurityException {
        KeyPair sm2RootKeys = keys("sm2p256v1");
        sm2Ca = ca(sm2RootKeys, "SM3withSM2", ORG + "CN=gateway warm-up SM2 root CA");
        KeyPair sm2CaKeys = keys("sm2p256v1");
        sm2Issuing = issuing(sm2Ca, sm2RootKeys.getPrivate(), sm2CaKeys, "SM3withSM2",
                ORG + "CN=gateway warm-up SM2 issuing CA");
        sm2ServerSign = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", ORG + "CN=" + HOST,
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_serverAuth, true);
        sm2ServerEnc = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", ORG + "CN=" + HOST,
                KeyUsage.keyEncipherment | KeyUsage.keyAgreement | KeyUsage.dataEncipherment,
                KeyPurposeId.id_kp_serverAuth, true);
        sm2ClientSign = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", CLIENT_SUBJECT,
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_clientAuth, false);
        sm2ClientEnc = leaf(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2", "sm2p256v1", CLIENT_SUBJECT,
                KeyUsage.keyEncipherment | KeyUsage.keyAgreement | KeyUsage.dataEncipherment,
                KeyPurposeId.id_kp_clientAuth, false);
        KeyPair ecdsaRootKeys = keys("secp256r1");
        ecdsaCa = ca(ecdsaRootKeys, "SHA256withECDSA", ORG + "CN=gateway warm-up ECDSA root CA");
        KeyPair ecdsaCaKeys = keys("secp256r1");
        ecdsaIssuing = issuing(ecdsaCa, ecdsaRootKeys.getPrivate(), ecdsaCaKeys, "SHA256withECDSA",
                ORG + "CN=gateway warm-up ECDSA issuing CA");
        ecdsaServer = leaf(ecdsaIssuing, ecdsaCaKeys.getPrivate(), "SHA256withECDSA", "secp256r1", ORG + "CN=" + HOST,
                KeyUsage.digitalSignature, KeyPurposeId.id_kp_serverAuth, true);
        ecdsaClient = leaf(ecdsaIssuing, ecdsaCaKeys.getPrivate(), "SHA256withECDSA", "secp256r1",
                CLIENT_SUBJECT, KeyUsage.digitalSignature, KeyPurposeId.id_kp_clientAuth, false);
        sm2Crl = crl(sm2Issuing, sm2CaKeys.getPrivate(), "SM3withSM2");
        ecdsaCrl = crl(ecdsaIssuing, ecdsaCaKeys.getPrivate(), "SHA256withECDSA");
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

    /**
     * A CRL of {@code issuer} revoking {@value #REVOKED_PER_CRL} random serial numbers (the warm-up's own
     * certificates stay good: their serials are random 64-bit numbers, these 80-bit ones), valid for a day.
     */
    private static byte[] crl(X509Certificate issuer, PrivateKey key, String algorithm)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer, Date.from(now.minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        for (int i = 0; i < REVOKED_PER_CRL; i++) {
            builder.addCRLEntry(new BigInteger(80, RANDOM).setBit(79), Date.from(now.minus(Duration.ofMinutes(1))),
                    CRLReason.keyCompromise);
        }
        try {
            builder.addExtension(Extension.cRLNumber, false, new ASN1Integer(1));
            return builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BouncyCastle.PROVIDER).build(key))
                    .getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
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
