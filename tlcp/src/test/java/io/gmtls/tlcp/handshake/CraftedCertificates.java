package io.gmtls.tlcp.handshake;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * SM2 certificates made to a test's measure (odd extensions, attacker-made chains), signed with
 * SM3withSM2 by BouncyCastle. Not a PKI: each call is one certificate.
 */
public final class CraftedCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private CraftedCertificates() {
  }

  /** What to add to the certificate being built. */
  @FunctionalInterface
  public interface Extensions {
    void add(X509v3CertificateBuilder b) throws CertIOException;
  }

  /** A fresh SM2 key pair. */
  public static KeyPair sm2KeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Certificates.provider());
      g.initialize(new ECGenParameterSpec("sm2p256v1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate for {@code subjectKey} named {@code subject}, signed by {@code issuerKey}. */
  public static X509Certificate issue(String subject, String issuer, PublicKey subjectKey,
      PrivateKey issuerKey, Extensions extensions) {
    try {
      return new JcaX509CertificateConverter().setProvider(Certificates.provider())
          .getCertificate(holder(subject, issuer, subjectKey, issuerKey, extensions));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The DER of such a certificate, without parsing it back: for certificates that a
   * CertificateFactory refuses (see {@code io.gmtls.testsupport.RawDerCertificate}).
   */
  public static byte[] der(String subject, String issuer, PublicKey subjectKey, PrivateKey issuerKey,
      Extensions extensions) {
    try {
      return holder(subject, issuer, subjectKey, issuerKey, extensions).getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509CertificateHolder holder(String subject, String issuer, PublicKey subjectKey,
      PrivateKey issuerKey, Extensions extensions) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), new X500Name(subject), subjectKey);
      extensions.add(b);
      return b.build(new JcaContentSignerBuilder("SM3withSM2").setProvider(Certificates.provider())
          .build(issuerKey));
    } catch (CertIOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Extensions of a CA: basicConstraints cA (critical) and keyUsage keyCertSign | cRLSign. */
  public static Extensions ca() {
    return b -> {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    };
  }

  /**
   * A non-critical basicConstraints whose value is an INTEGER, not the SEQUENCE of RFC 5280:
   * BouncyCastle's CertificateFactory refuses the certificate, its ASN.1 parser does not.
   */
  public static Extensions malformedBasicConstraints() {
    return b -> {
      try {
        b.addExtension(Extension.basicConstraints, false, new org.bouncycastle.asn1.ASN1Integer(5).getEncoded());
      } catch (java.io.IOException e) {
        throw new CertIOException("cannot encode", e);
      }
    };
  }

  /** A non-critical private extension of {@code bytes} bytes: a big but harmless certificate. */
  public static Extensions padding(int bytes) {
    return b -> b.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1"),
        false, new org.bouncycastle.asn1.DEROctetString(new byte[bytes]));
  }

  /** Several sets of extensions in order. */
  public static Extensions all(Extensions... parts) {
    return b -> {
      for (Extensions p : parts) {
        p.add(b);
      }
    };
  }
}
