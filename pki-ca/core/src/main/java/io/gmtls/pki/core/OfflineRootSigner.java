package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.CertificateRequests.VerifiedCsr;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.JcaCaSigner;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.KeyIdentifiers;
import io.gmtls.pki.core.crypto.SerialNumbers;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * What the offline root key is for: signing an issuing CA certificate from the issuing CA's CSR, on
 * the machine where the root key is kept (the {@code pki-ca sign-issuing-ca} command). No service
 * holds a root key; this runs without a database.
 */
public final class OfflineRootSigner {

    /** Clock skew tolerated between the offline machine and the relying parties. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private OfflineRootSigner() {
    }

    /**
     * An issuing CA certificate (basicConstraints CA pathLen 0, keyCertSign + cRLSign, AKI = the
     * root's SKI) for the CSR's key and subject, valid for {@code validity} and never outside the
     * root's validity.
     *
     * @throws PkiException when the CSR is not valid (proof of possession), its key is not of the
     *                      root's algorithm, or the key does not belong to the root certificate
     */
    public static X509Certificate signIssuingCa(X509Certificate root, PrivateKey rootKey, byte[] csrDer,
            Duration validity, Clock clock) {
        VerifiedCsr csr = CertificateRequests.verify(csrDer);
        KeyAlgorithm rootAlgorithm = KeyAlgorithm.of(SubjectPublicKeyInfo.getInstance(root.getPublicKey().getEncoded()));
        if (csr.keyAlgorithm() != rootAlgorithm) {
            throw PkiException.badRequest("the CSR's key is " + csr.keyAlgorithm() + ", the root's " + rootAlgorithm);
        }
        if (csr.commonName() == null) {
            throw PkiException.badRequest("the CSR's subject has no CN");
        }
        Instant now = clock.instant();
        Instant from = now.minus(BACKDATE);
        if (from.isBefore(root.getNotBefore().toInstant())) {
            from = root.getNotBefore().toInstant();
        }
        Instant to = now.plus(validity);
        if (to.isAfter(root.getNotAfter().toInstant())) {
            to = root.getNotAfter().toInstant();
        }
        if (!to.isAfter(from)) {
            throw PkiException.badRequest("the root certificate has expired");
        }
        try {
            X509CertificateHolder rootHolder = new X509CertificateHolder(root.getEncoded());
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(rootHolder.getSubject(),
                    new SerialNumbers(new SecureRandom()).next(), Date.from(from), Date.from(to), csr.subject(),
                    csr.publicKey());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(csr.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, KeyIdentifiers.authorityKeyIdentifier(rootHolder));
            X509CertificateHolder signed = builder.build(new JcaCaSigner(root.getPublicKey(), rootKey).newContentSigner());
            X509Certificate issuing = new JcaX509CertificateConverter().setProvider(GmCrypto.provider())
                    .getCertificate(signed);
            try {
                issuing.verify(root.getPublicKey(), GmCrypto.provider());
            } catch (GeneralSecurityException e) {
                throw PkiException.badRequest("the private key does not belong to the root certificate");
            }
            return issuing;
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "issuing CA certificate signing failed", e);
        }
    }
}
