package io.gmtls.proxy;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.CertificateException;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate that BouncyCastle's CertificateFactory refuses (a non-critical basicConstraints whose
 * value is an INTEGER) but its ASN.1 parser reads, wrapped as an {@link X509Certificate} whose
 * {@code getEncoded()} gives those bytes: a client identity built with it in its chain sends it in its
 * Certificate message. Everything but the encoding comes from {@code base} and is not meant to be read.
 */
final class UnparsableCertificate extends X509Certificate {

    private static final long serialVersionUID = 1L;

    private final transient X509Certificate base;
    private final byte[] der;

    private UnparsableCertificate(X509Certificate base, byte[] der) {
        this.base = base;
        this.der = der;
    }

    /** A fresh such certificate; {@code base} answers everything but {@code getEncoded()}. */
    static UnparsableCertificate create(X509Certificate base) throws Exception {
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("sm2p256v1"));
        KeyPair k = g.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=extra"), BigInteger.TEN,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=extra"), k.getPublic());
        b.addExtension(Extension.basicConstraints, false, new ASN1Integer(5).getEncoded());
        byte[] der = b.build(new JcaContentSignerBuilder("SM3withSM2").setProvider(bc).build(k.getPrivate()))
                .getEncoded();
        return new UnparsableCertificate(base, der);
    }

    @Override
    public byte[] getEncoded() {
        return der.clone();
    }

    @Override
    public void checkValidity() {
    }

    @Override
    public void checkValidity(Date date) {
    }

    @Override
    public int getVersion() {
        return 3;
    }

    @Override
    public BigInteger getSerialNumber() {
        return BigInteger.TEN;
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
        return null;
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return null;
    }

    @Override
    public boolean[] getKeyUsage() {
        return null;
    }

    @Override
    public int getBasicConstraints() {
        return -1;
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
        return "UnparsableCertificate[" + der.length + " bytes]";
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
        return Set.of();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return Set.of();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return null;
    }

    static void requireUnparsable(byte[] der) throws GeneralSecurityException {
        try {
            java.security.cert.CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (CertificateException expected) {
            return;
        }
        throw new IllegalStateException("the probe's premise: BouncyCastle was expected to refuse it");
    }
}
