package io.gmtls.certsdev;

import io.gmtls.crypto.BouncyCastle;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes certificates and CRLs with BouncyCastle, each shaped by its {@link Role}.
 *
 * <p>Shapes follow what the strictest TLCP peers accept: validity at most ten years (roots
 * included), no basicConstraints extension on end-entity certificates, subjectAltName DNS on
 * servers, keyUsage critical. The TLCP end-entity shapes match the Tongsuo peer certificates
 * in the shared interop vectors, plus an extendedKeyUsage naming the role: serverAuth for every
 * gateway certificate (TLCP signing and encryption, TLS 1.3), clientAuth for every vehicle and model
 * certificate.
 */
final class CertificateIssuer {
    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    static final Duration ISSUING_VALIDITY = Duration.ofDays(2920);
    static final Duration END_ENTITY_VALIDITY = Duration.ofDays(1825);
    static final Duration CRL_VALIDITY = Duration.ofDays(7);
    /** Backdating tolerates clock skew between the generating machine and its peers. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private final SecureRandom random;
    private final Instant notBefore;
    private final JcaX509ExtensionUtils extensionUtils;
    private final JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER);

    CertificateIssuer(SecureRandom random, Instant now) {
        this.random = random;
        this.notBefore = now.minus(BACKDATE);
        try {
            this.extensionUtils = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 for key identifiers is unavailable", e);
        }
    }

    /** A self-signed root CA. */
    Credential root(Role role, X500Name subject) {
        KeyPair keys = role.keyType().generate(random);
        X509Certificate cert = sign(role, subject, keys.getPublic(), subject, keys, null,
                ROOT_VALIDITY, List.of());
        return new Credential(role, cert, keys.getPrivate(), List.of(cert));
    }

    /** A certificate for a fresh key pair of the role's key type, issued by {@code issuer}. */
    Credential issue(Role role, X500Name subject, Credential issuer, List<String> dnsNames) {
        KeyPair keys = role.keyType().generate(random);
        Duration validity = role.shape() == Role.Shape.ISSUING_CA ? ISSUING_VALIDITY : END_ENTITY_VALIDITY;
        X509Certificate cert = sign(role, subject, keys.getPublic(),
                X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
                new KeyPair(issuer.certificate().getPublicKey(), issuer.privateKey()),
                issuer.certificate(), validity, role.shape().isServer() ? dnsNames : List.of());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Credential(role, cert, keys.getPrivate(), chain);
    }

    /** A CRL of {@code issuer} listing {@code revoked} (serial → reason code of RFC 5280). */
    X509CRL crl(Credential issuer, Map<BigInteger, Integer> revoked, Instant thisUpdate, BigInteger number) {
        try {
            X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerName, Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(thisUpdate.plus(CRL_VALIDITY)));
            revoked.forEach((serial, reason) -> builder.addCRLEntry(serial, Date.from(thisUpdate), reason));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensionUtils.createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            X509CRLHolder holder = builder.build(signer(issuer.role().keyType(), issuer));
            return new JcaX509CRLConverter().setProvider(BouncyCastle.PROVIDER).getCRL(holder);
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the CRL of " + issuer, e);
        }
    }

    static int keyCompromise() {
        return CRLReason.keyCompromise;
    }

    private X509Certificate sign(Role role, X500Name subject, PublicKey subjectKey, X500Name issuerName,
                                 KeyPair issuerKeys, X509Certificate issuerCert, Duration validity,
                                 List<String> dnsNames) {
        try {
            Instant notAfter = notBefore.plus(validity);
            if (issuerCert != null && notAfter.isAfter(issuerCert.getNotAfter().toInstant())) {
                notAfter = issuerCert.getNotAfter().toInstant();
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            Role.Shape shape = role.shape();
            if (shape == Role.Shape.ROOT_CA) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            } else if (shape == Role.Shape.ISSUING_CA) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            }
            builder.addExtension(Extension.keyUsage, true, keyUsage(shape));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensionUtils.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensionUtils.createAuthorityKeyIdentifier(issuerCert.getPublicKey()));
            }
            if (!dnsNames.isEmpty()) {
                GeneralName[] names = dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            // Role separation: a peer that checks EKUs cannot take a vehicle's certificate for the gateway's.
            if (shape.isServer()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            } else if (!shape.isCa()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            KeyType signerType = issuerCert == null ? role.keyType() : KeyType.of(issuerCert);
            ContentSigner signer = new JcaContentSignerBuilder(signerType.signatureAlgorithm())
                    .setProvider(BouncyCastle.PROVIDER).build(issuerKeys.getPrivate());
            return converter.getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue the " + role.label() + " certificate", e);
        }
    }

    private static KeyUsage keyUsage(Role.Shape shape) {
        return new KeyUsage(switch (shape) {
            case ROOT_CA, ISSUING_CA -> KeyUsage.keyCertSign | KeyUsage.cRLSign;
            case TLCP_SIGN_SERVER, TLCP_SIGN_CLIENT -> KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
            case TLCP_ENC_SERVER, TLCP_ENC_CLIENT -> KeyUsage.keyEncipherment | KeyUsage.dataEncipherment | KeyUsage.keyAgreement;
            case TLS_SERVER, TLS_CLIENT -> KeyUsage.digitalSignature;
        });
    }

    private static ContentSigner signer(KeyType type, Credential issuer) throws OperatorCreationException {
        return new JcaContentSignerBuilder(type.signatureAlgorithm()).setProvider(BouncyCastle.PROVIDER).build(issuer.privateKey());
    }

    /** Positive, 127 bits of randomness: far above RFC 5280's 20-octet cap minus sign and the 64-bit floor. */
    private BigInteger serial() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random);
        } while (serial.bitLength() < 64);
        return serial;
    }

}
