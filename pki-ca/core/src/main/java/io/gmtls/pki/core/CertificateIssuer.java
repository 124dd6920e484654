package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.KeyIdentifiers;
import io.gmtls.pki.core.profile.CertificateProfile;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.IssuanceDraft;
import io.gmtls.pki.core.profile.KeyUsageName;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Turns a checked draft into a signed certificate. Extensions follow the profile: SKI and AKI always
 * (the AKI is the issuer's own SKI, RFC 5280 4.2.1.1);
 * keyUsage critical; EKU when the profile names some; SAN DNS for servers; CRL distribution point and
 * OCSP URL when configured; id-pkix-ocsp-nocheck for OCSP signers; never basicConstraints.
 */
public final class CertificateIssuer {

    private final CaUrls urls;
    /** What every certificate of an issuing CA repeats, worked out once per CA certificate. */
    private final Map<String, IssuerFacts> issuers = new ConcurrentHashMap<>();

    public CertificateIssuer(CaUrls urls) {
        this.urls = urls;
    }

    private record IssuerFacts(X509Certificate certificate, X500Name name, AuthorityKeyIdentifier aki,
            CRLDistPoint crlDistributionPoint) {
    }

    private IssuerFacts facts(IssuingCa ca) {
        IssuerFacts cached = issuers.get(ca.name());
        if (cached != null && cached.certificate() == ca.certificate()) {
            return cached;
        }
        try {
            X509CertificateHolder issuer = new X509CertificateHolder(ca.certificate().getEncoded());
            CRLDistPoint crlDp = urls.configured() ? new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                    new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                            urls.crlUrl(ca.name())))), null, null)}) : null;
            IssuerFacts facts = new IssuerFacts(ca.certificate(), issuer.getSubject(),
                    KeyIdentifiers.authorityKeyIdentifier(issuer), crlDp);
            issuers.put(ca.name(), facts);
            return facts;
        } catch (IOException | CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "issuing CA certificate unreadable", e);
        }
    }

    /** Signs the draft with the issuing CA under the given serial. */
    public SignedCertificate sign(IssuanceDraft draft, IssuingCa ca, BigInteger serial) {
        CertificateProfile profile = draft.profile();
        IssuerFacts issuer = facts(ca);
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer.name(), serial,
                    Date.from(draft.notBefore()), Date.from(draft.notAfter()), draft.subject(), draft.publicKey());
            int bits = 0;
            for (KeyUsageName usage : profile.keyUsages()) {
                bits |= usage.bit();
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(draft.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuer.aki());
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
            if (issuer.crlDistributionPoint() != null && profile.crlDistributionPoint()) {
                builder.addExtension(Extension.cRLDistributionPoints, false, issuer.crlDistributionPoint());
            }
            if (urls.configured() && profile.ocspUrl()) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        new AccessDescription(AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, urls.ocspUrl()))));
            }
            if (profile.ocspNoCheck()) {
                builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            }
            X509CertificateHolder holder = builder.build(ca.signer().newContentSigner());
            return new SignedCertificate(holder, holder.getEncoded());
        } catch (IOException | java.security.NoSuchAlgorithmException | RuntimeException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "certificate signing failed", e);
        }
    }
}
