package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.KeyUsageName;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Turns a checked draft into a signed certificate. Extensions follow the profile: SKI and AKI always;
 * keyUsage critical; EKU when the profile names some; SAN DNS for servers; CRL distribution point and
 * OCSP URL when configured; id-pkix-ocsp-nocheck for OCSP signers; never basicConstraints.
 */
public final class CertificateIssuer {

    private final CaUrls urls;
    private final JcaX509CertificateConverter converter =
            new JcaX509CertificateConverter().setProvider(GmCrypto.provider());

    public CertificateIssuer(CaUrls urls) {
        this.urls = urls;
    }

    /** Signs the draft with the issuing CA under the given serial. */
    public X509Certificate sign(IssuanceDraft draft, IssuingCa ca, BigInteger serial) {
        CertificateProfile profile = draft.profile();
        try {
            X509CertificateHolder issuer = new X509CertificateHolder(ca.certificate().getEncoded());
            X500Name issuerName = issuer.getSubject();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName, serial,
                    Date.from(draft.notBefore()), Date.from(draft.notAfter()), draft.subject(), draft.publicKey());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            int bits = 0;
            for (KeyUsageName usage : profile.keyUsages()) {
                bits |= usage.bit();
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(draft.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuer.getSubjectPublicKeyInfo()));
            if (!profile.extendedKeyUsages().isEmpty()) {
                KeyPurposeId[] ids = profile.extendedKeyUsages().stream().sorted()
                        .map(ExtendedKeyUsageName::id).toArray(KeyPurposeId[]::new);
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids));
            }
            if (!draft.dnsNames().isEmpty()) {
                GeneralName[] names = draft.dnsNames().stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            if (urls.configured() && profile.crlDistributionPoint()) {
                DistributionPoint point = new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, urls.crlUrl(ca.name())))),
                        null, null);
                builder.addExtension(Extension.cRLDistributionPoints, false,
                        new CRLDistPoint(new DistributionPoint[] {point}));
            }
            if (urls.configured() && profile.ocspUrl()) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        new AccessDescription(AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, urls.ocspUrl()))));
            }
            if (profile.ocspNoCheck()) {
                builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            }
            return converter.getCertificate(builder.build(ca.signer().newContentSigner()));
        } catch (IOException | CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "certificate signing failed", e);
        }
    }
}
