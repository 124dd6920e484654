package io.gmtls.pki.core.crypto;

import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Key identifiers that link a certificate or CRL to its issuer. */
public final class KeyIdentifiers {

    private KeyIdentifiers() {
    }

    /**
     * The authorityKeyIdentifier for what an issuer signs: its subjectKeyIdentifier copied as it is
     * (RFC 5280 4.2.1.1: the AKI of a certificate is the SKI of its issuer, however that was computed:
     * an imported CA may use RFC 7093 or an arbitrary value). Only an issuer without an SKI gets one
     * computed from its key (RFC 5280 method 1).
     */
    public static AuthorityKeyIdentifier authorityKeyIdentifier(X509CertificateHolder issuer)
            throws NoSuchAlgorithmException {
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
        if (ski != null) {
            return new AuthorityKeyIdentifier(ski.getKeyIdentifier());
        }
        return new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getSubjectPublicKeyInfo());
    }
}
