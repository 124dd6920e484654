package io.gmtls.pki.core;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/** CA certificates built by hand, so that a test chooses their key identifiers and validity. */
public final class CaCertificates {

    private CaCertificates() {
    }

    /** RFC 7093 section 2 method 1: the leftmost 160 bits of the SHA-256 hash of the subjectPublicKey. */
    public static byte[] rfc7093Method1(SubjectPublicKeyInfo spki) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(spki.getPublicKeyData().getBytes());
        return Arrays.copyOf(hash, 20);
    }

    public static X509Certificate caCertificate(X500Name subject, SubjectPublicKeyInfo key, X500Name issuer,
            KeyPair issuerKey, byte[] ski, byte[] aki, Instant from, Instant to) throws Exception {
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer,
                new java.math.BigInteger(64, TestSupport.RANDOM).setBit(63), Date.from(from), Date.from(to), subject,
                key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski));
        builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(aki));
        var holder = builder.build(new JcaCaSigner(issuerKey.getPublic(), issuerKey.getPrivate()).newContentSigner());
        return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(holder);
    }
}
