package io.gmtls.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An {@link X509Certificate} whose encoding is whatever bytes the test gives, so that an identity
 * (which sends {@code getEncoded()}) can put into its Certificate message a certificate that no
 * CertificateFactory would produce. Everything else comes from a real certificate ({@code base}) and is
 * not meant to be looked at.
 *
 * <p>{@link #unparsable(X509Certificate)} makes the usual such certificate: one that BouncyCastle's
 * CertificateFactory refuses (a non-critical basicConstraints whose value is an INTEGER, not the
 * SEQUENCE of RFC 5280) but its ASN.1 parser reads.
 */
public final class RawDerCertificate extends X509Certificate {

    private static final long serialVersionUID = 1L;

    private final transient X509Certificate base;
    private final byte[] der;

    public RawDerCertificate(X509Certificate base, byte[] der) {
        this.base = base;
        this.der = der.clone();
    }

    /** {@code base} sending a fresh {@link #unparsableDer()} as its encoding. */
    public static RawDerCertificate unparsable(X509Certificate base) {
        return new RawDerCertificate(base, unparsableDer());
    }

    /**
     * The DER of a fresh self-signed SM2 certificate "CN=extra" (SM3withSM2, valid from an hour ago for
     * a day) whose non-critical basicConstraints is an INTEGER: BouncyCastle's CertificateFactory refuses
     * it, its ASN.1 parser does not.
     */
    public static byte[] unparsableDer() {
        try {
            BouncyCastleProvider bc = new BouncyCastleProvider();
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
            g.initialize(new ECGenParameterSpec("sm2p256v1"));
            KeyPair k = g.generateKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=extra"), BigInteger.TEN,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=extra"), k.getPublic());
            b.addExtension(Extension.basicConstraints, false, new ASN1Integer(5).getEncoded());
            return b.build(new JcaContentSignerBuilder("SM3withSM2").setProvider(bc).build(k.getPrivate()))
                    .getEncoded();
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The probe's premise: BouncyCastle's CertificateFactory refuses {@code der}; else it throws. */
    public static void requireUnparsable(byte[] der) throws GeneralSecurityException {
        try {
            CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException expected) {
            return;
        }
        throw new IllegalStateException("the probe's premise: BouncyCastle was expected to refuse it");
    }

    @Override
    public byte[] getEncoded() {
        return der.clone();
    }

    @Override
    public void checkValidity() throws java.security.cert.CertificateExpiredException,
            java.security.cert.CertificateNotYetValidException {
        base.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws java.security.cert.CertificateExpiredException,
            java.security.cert.CertificateNotYetValidException {
        base.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return base.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return base.getSerialNumber();
    }

    @Override
    public Principal getIssuerDN() {
        return base.getIssuerX500Principal();
    }

    @Override
    public Principal getSubjectDN() {
        return base.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return base.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return base.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws java.security.cert.CertificateEncodingException {
        return base.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return base.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return base.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return base.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return base.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return base.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return base.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return base.getKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return base.getBasicConstraints();
    }

    @Override
    public void verify(PublicKey key) throws CertificateException {
        throw new CertificateException("not verifiable");
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException {
        throw new CertificateException("not verifiable");
    }

    @Override
    public String toString() {
        return "RawDerCertificate[" + der.length + " bytes]";
    }

    @Override
    public PublicKey getPublicKey() {
        return base.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return false;
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return base.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return base.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return base.getExtensionValue(oid);
    }
}
