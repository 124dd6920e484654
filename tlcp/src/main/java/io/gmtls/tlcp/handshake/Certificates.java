package io.gmtls.tlcp.handshake;

import java.io.ByteArrayInputStream;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Turns DER certificates into {@link X509Certificate}s with BouncyCastle's provider (whose
 * certificates know SM2 keys and the SM3withSM2 algorithm name), without registering it.
 */
public final class Certificates {

  private static final class Holder {
    static final Provider BC = new BouncyCastleProvider();
  }

  private Certificates() {
  }

  /** The BouncyCastle provider instance this module uses (not installed in {@code Security}). */
  public static Provider provider() {
    return Holder.BC;
  }

  /** Parses one DER certificate. */
  public static X509Certificate fromDer(byte[] der) throws CertificateException {
    CertificateFactory f = CertificateFactory.getInstance("X.509", Holder.BC);
    return (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der));
  }

  /** Parses DER certificates, keeping the order. */
  public static List<X509Certificate> fromDer(List<byte[]> ders) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>(ders.size());
    for (byte[] d : ders) {
      out.add(fromDer(d));
    }
    return out;
  }

  /** The DER encoding, with a checked exception turned into an IllegalArgumentException. */
  public static byte[] der(X509Certificate c, String field) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException(field + ": certificate cannot be encoded", e);
    }
  }
}
