package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.fast.TlcpCryptos;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.CertificateList;

/**
 * {@link RevocationChecker} from X.509 CRLs: a certificate is revoked when a CRL of its issuer
 * lists its serial number ({@link RevocationStatus#REVOKED}). A CRL counts only once its
 * SM2-with-SM3 signature verifies with the issuer's key from the verified chain (checked once per
 * CRL and key, then remembered). The CRL set is fixed: build a new checker (and context) for new
 * CRLs, or implement {@link RevocationChecker} over a store that refreshes itself.
 *
 * <p>By default a CA without a CRL passes (soft fail); {@code requireCrl} makes that
 * {@link RevocationStatus#UNKNOWN} (alert certificate_unknown). Stale CRLs (past nextUpdate) are
 * still used: a revocation they list stays a revocation.
 */
public final class CrlRevocationChecker implements RevocationChecker {

  private record Entry(X509CRL crl, CertificateList parsed, Set<String> verifiedIssuerKeys) {
  }

  private final TlcpCrypto crypto;
  private final boolean requireCrl;
  private final List<Entry> crls;

  /** Soft-fail checker over {@code crls}. */
  public CrlRevocationChecker(Collection<X509CRL> crls) {
    this(crls, false, TlcpCryptos.createDefault());
  }

  /**
   * @param requireCrl answer {@link RevocationStatus#UNKNOWN} for a certificate whose issuer has
   *     no CRL in the set
   * @param crypto verifies CRL signatures
   * @throws IllegalArgumentException if a CRL cannot be encoded
   */
  public CrlRevocationChecker(Collection<X509CRL> crls, boolean requireCrl, TlcpCrypto crypto) {
    this.crypto = crypto;
    this.requireCrl = requireCrl;
    List<Entry> list = new ArrayList<>();
    int i = 0;
    for (X509CRL crl : crls) {
      try {
        list.add(new Entry(crl, CertificateList.getInstance(crl.getEncoded()),
            ConcurrentHashMap.newKeySet()));
      } catch (java.security.cert.CRLException | RuntimeException e) {
        throw new IllegalArgumentException("crls[" + i + "]: cannot be encoded", e);
      }
      i++;
    }
    this.crls = List.copyOf(list);
  }

  @Override
  public RevocationStatus check(List<X509Certificate> verifiedChain) {
    for (int i = 0; i + 1 < verifiedChain.size(); i++) {
      X509Certificate cert = verifiedChain.get(i);
      X509Certificate issuer = verifiedChain.get(i + 1);
      boolean found = false;
      for (Entry e : crls) {
        if (!e.crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
            || !signatureValid(e, issuer)) {
          continue;
        }
        found = true;
        if (e.crl.getRevokedCertificate(cert.getSerialNumber()) != null) {
          return RevocationStatus.REVOKED;
        }
      }
      if (!found && requireCrl) {
        return RevocationStatus.UNKNOWN;
      }
    }
    return RevocationStatus.GOOD;
  }

  private boolean signatureValid(Entry e, X509Certificate issuer) {
    byte[] spki = issuer.getPublicKey().getEncoded();
    String keyId = java.util.HexFormat.of().formatHex(spki);
    if (e.verifiedIssuerKeys.contains(keyId)) {
      return true;
    }
    try {
      Sm2PublicKey key = crypto.sm2PublicKey(spki);
      boolean ok = crypto.sm2Verify(key, e.parsed.getTBSCertList().getEncoded(ASN1Encoding.DER),
          e.parsed.getSignature().getOctets());
      if (ok) {
        e.verifiedIssuerKeys.add(keyId);
      }
      return ok;
    } catch (InvalidKeyException | IOException | RuntimeException ex) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "CrlRevocationChecker[" + crls.size() + " CRLs, requireCrl=" + requireCrl + "]";
  }
}
