package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.message.CertificateMessage;
import io.gmtls.tlcp.message.ServerKeyExchange;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One side's TLCP identity: the signing key and certificate chain, and the encryption key and
 * certificate (GB/T 38636-2020 clause 6.4.5.3: TLCP peers have two key pairs). Built once per
 * context with everything the handshake reuses precomputed: the SM2 key handles (public point,
 * Z value), the encoded Certificate message and the ECC ServerKeyExchange signed parameters.
 */
public final class DualIdentity {

  private final Sm2PrivateKey signingKey;
  private final Sm2PrivateKey encryptionKey;
  private final byte[] signingCertificate;
  private final byte[] encryptionCertificate;
  private final List<X509Certificate> localCertificates;
  private final byte[] certificateMessage;
  private final byte[] signingCertificateMessage;
  private final byte[] eccSignedParams;

  /**
   * @param signingChain signing certificate first, then its CAs (the root may be left out)
   * @param encryptionKey null together with {@code encryptionCertificate} for a client that
   *     authenticates with its signing certificate alone
   * @throws IllegalArgumentException naming the field when a key is not SM2 or does not match
   */
  public DualIdentity(TlcpCrypto crypto, PrivateKey signingKey, List<X509Certificate> signingChain,
      PrivateKey encryptionKey, X509Certificate encryptionCertificate) {
    if (signingKey == null || signingChain == null || signingChain.isEmpty()) {
      throw new IllegalArgumentException("signing: key and certificate chain are required");
    }
    if ((encryptionKey == null) != (encryptionCertificate == null)) {
      throw new IllegalArgumentException("encryption: key and certificate go together");
    }
    this.signingKey = handle(crypto, signingKey, "signing");
    this.signingCertificate = Certificates.der(signingChain.get(0), "signing");
    checkMatch(crypto, this.signingKey, signingCertificate, "signing");
    List<byte[]> list = new ArrayList<>();
    list.add(signingCertificate);
    List<X509Certificate> local = new ArrayList<>();
    local.add(signingChain.get(0));
    if (encryptionKey != null) {
      this.encryptionKey = handle(crypto, encryptionKey, "encryption");
      this.encryptionCertificate = Certificates.der(encryptionCertificate, "encryption");
      checkMatch(crypto, this.encryptionKey, this.encryptionCertificate, "encryption");
      list.add(this.encryptionCertificate);
      local.add(encryptionCertificate);
      this.eccSignedParams = ServerKeyExchange.eccParams(this.encryptionCertificate);
    } else {
      this.encryptionKey = null;
      this.encryptionCertificate = null;
      this.eccSignedParams = null;
    }
    for (int i = 1; i < signingChain.size(); i++) {
      list.add(Certificates.der(signingChain.get(i), "signing chain[" + i + "]"));
      local.add(signingChain.get(i));
    }
    this.localCertificates = List.copyOf(local);
    this.certificateMessage = new CertificateMessage(list).encode();
    List<byte[]> signingOnly = new ArrayList<>(list);
    if (this.encryptionCertificate != null) {
      signingOnly.remove(1);
    }
    this.signingCertificateMessage = new CertificateMessage(signingOnly).encode();
  }

  private static Sm2PrivateKey handle(TlcpCrypto crypto, PrivateKey key, String field) {
    try {
      return crypto.sm2PrivateKey(key);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static void checkMatch(TlcpCrypto crypto, Sm2PrivateKey key, byte[] certDer, String field) {
    Sm2PublicKey pub;
    try {
      pub = crypto.sm2PublicKey(org.bouncycastle.asn1.x509.Certificate.getInstance(certDer)
          .getSubjectPublicKeyInfo().getEncoded());
    } catch (InvalidKeyException | java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException(field + ": certificate does not hold an SM2 public key", e);
    }
    if (!Arrays.equals(pub.encodedPoint(), key.publicKey().encodedPoint())) {
      throw new IllegalArgumentException(field + ": private key does not match the certificate");
    }
  }

  public Sm2PrivateKey signingKey() {
    return signingKey;
  }

  /** Null when this identity has no encryption key pair. */
  public Sm2PrivateKey encryptionKey() {
    return encryptionKey;
  }

  public boolean hasEncryption() {
    return encryptionKey != null;
  }

  /** The encoded Certificate handshake message (header included); shared, do not modify. */
  public byte[] certificateMessage() {
    return certificateMessage;
  }

  /** {@code uint24 length || encryption certificate}, what an ECC ServerKeyExchange signs. */
  public byte[] eccSignedParams() {
    return eccSignedParams;
  }

  /**
   * The Certificate message without the encryption certificate: signing certificate, then its CAs
   * (what a GmSSL 3 client sends, and a GmSSL server accepts, on the ECC suites). Shared, do not modify.
   */
  public byte[] signingCertificateMessage() {
    return signingCertificateMessage;
  }

  /** Signing certificate, encryption certificate (if any), CA certificates. */
  public List<X509Certificate> localCertificates() {
    return localCertificates;
  }

  @Override
  public String toString() {
    return "DualIdentity[" + localCertificates.get(0).getSubjectX500Principal().getName()
        + (hasEncryption() ? ", with encryption key" : ", signing only") + "]";
  }
}
