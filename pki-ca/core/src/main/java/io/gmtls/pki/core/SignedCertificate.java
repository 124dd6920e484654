package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.GmCrypto;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/**
 * A certificate just signed: BouncyCastle's holder and its DER, without a round trip through the JCA
 * certificate factory (issuance stores the DER; only callers that need a JCA certificate convert).
 */
public record SignedCertificate(X509CertificateHolder holder, byte[] der) {

    public BigInteger serialNumber() {
        return holder.getSerialNumber();
    }

    public Instant notBefore() {
        return holder.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return holder.getNotAfter().toInstant();
    }

    /** The JCA certificate (parses the DER). */
    public X509Certificate toX509() {
        try {
            return new JcaX509CertificateConverter().setProvider(GmCrypto.provider()).getCertificate(holder);
        } catch (CertificateException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "certificate conversion failed", e);
        }
    }
}
