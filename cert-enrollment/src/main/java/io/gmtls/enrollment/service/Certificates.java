package io.gmtls.enrollment.service;

import io.gmtls.pki.core.crypto.GmCrypto;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/** DER certificates as JCA objects, through BouncyCastle (the JDK's factory cannot read SM2 keys). */
public final class Certificates {

    private Certificates() {
    }

    /** Parses a DER certificate the CA stored; a failure is an internal error. */
    public static X509Certificate parse(byte[] der) {
        try {
            return new JcaX509CertificateConverter().setProvider(GmCrypto.provider())
                    .getCertificate(new X509CertificateHolder(der));
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("stored certificate cannot be parsed", e);
        }
    }

    /** The DER SubjectPublicKeyInfo of a DER certificate. */
    public static byte[] subjectPublicKeyInfo(byte[] der) {
        try {
            return new X509CertificateHolder(der).getSubjectPublicKeyInfo().getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("stored certificate cannot be parsed", e);
        }
    }
}
