package io.gmtls.tlcp.handshake;

import java.math.BigInteger;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Set;

/**
 * An {@link X509Certificate} whose encoding is whatever bytes the test gives, so that an identity
 * (which sends {@code getEncoded()}) can put into its Certificate message a certificate that no
 * CertificateFactory would produce. Everything else comes from a real certificate and is not
 * meant to be looked at.
 */
public final class RawDerCertificate extends X509Certificate {

  private static final long serialVersionUID = 1L;

  private final transient X509Certificate base;
  private final byte[] der;

  public RawDerCertificate(X509Certificate base, byte[] der) {
    this.base = base;
    this.der = der.clone();
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
