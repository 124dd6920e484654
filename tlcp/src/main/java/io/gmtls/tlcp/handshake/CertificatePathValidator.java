package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.RevocationChecker;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.Time;

/**
 * Verifies a TLCP peer's certificates (GB/T 38636-2020 clause 6.4.5.3 and RFC 5280 clause 6,
 * restricted to what TLCP PKIs use) against configured trust anchors:
 * <ul>
 *   <li>the signing certificate (first) and, if sent, the encryption certificate (second, unless
 *       it is a CA) each chain to a trust anchor through the other certificates the peer sent;
 *   <li>every signature is SM2-with-SM3 and verifies; every certificate on the path is within its
 *       validity at the given time; CAs have basicConstraints cA (and a path length that allows
 *       the path) and, when keyUsage is present, keyCertSign;
 *   <li>key usage by role: signing certificate digitalSignature, encryption certificate
 *       keyEncipherment or keyAgreement; extendedKeyUsage, when present, must allow the peer's
 *       role (serverAuth / clientAuth) or anyExtendedKeyUsage;
 *   <li>no unknown critical extension (name constraints and policy processing are not
 *       implemented, so such CAs are refused rather than half-checked).
 * </ul>
 * Alerts: unknown_ca (no path to an anchor: no issuer of that name, or none whose key verifies
 * the signature), bad_certificate (unparsable, not a CA, not yet valid, chain too long), certificate_expired, unsupported_certificate (wrong key usage, not SM2,
 * unknown critical extension), certificate_revoked / certificate_unknown (revocation hook).
 * Thread-safe; built once per context.
 */
public final class CertificatePathValidator {

  /** The role of the peer whose certificates are checked. */
  public enum PeerRole { SERVER, CLIENT }

  /** What a verified peer presented. */
  public record Result(List<byte[]> presented, Sm2PublicKey signingKey, Sm2PublicKey encryptionKey,
      Certificate signingCertificate, long notAfterMillis) {
  }

  private static final int MAX_DEPTH = 8;
  private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_CRITICAL = Set.of(
      Extension.keyUsage, Extension.basicConstraints, Extension.extendedKeyUsage,
      Extension.subjectAlternativeName, Extension.certificatePolicies,
      Extension.subjectKeyIdentifier, Extension.authorityKeyIdentifier);

  private record Anchor(Certificate certificate, Sm2PublicKey key, X509Certificate original,
      byte[] der) {
  }

  /** Default number of verified certificate signatures remembered (about 100 bytes each). */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private final TlcpCrypto crypto;
  private final int cacheSize;
  private final Map<X500Name, List<Anchor>> anchors = new HashMap<>();
  /**
   * SM3(issuer public point || certificate DER) of every certificate whose signature verified,
   * LRU-bounded. A vehicle that reconnects (or its twin encryption certificate) costs no chain
   * signature verification: a signature over identical bytes under the same key stays valid
   * forever, so no expiry is needed — validity dates, key usage and revocation are checked on
   * every handshake regardless. Only successes are kept.
   */
  private final Map<Digest, Boolean> verified = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Boolean> eldest) {
      return size() > cacheSize;
    }
  };

  /**
   * Public keys of the intermediate CAs (not anchors) found on validated paths, by DER
   * SubjectPublicKeyInfo, LRU-bounded. Peers send their issuing CA in every Certificate message;
   * reusing its key handle saves decoding it and its Z value, and lets BouncyCastle's cached
   * multiplication tables (kept in the point object, as for the anchors' keys) make each
   * verification under it about twice as fast as under a key decoded for the handshake. Only CAs
   * that chained to an anchor are added, so a peer cannot fill it with keys of its own making.
   */
  private final Map<Digest, Sm2PublicKey> knownCaKeys = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Sm2PublicKey> eldest) {
      return size() > KNOWN_CA_KEYS;
    }
  };

  /** Distinct intermediate CAs whose keys are kept; a fleet has a handful of issuing CAs. */
  static final int KNOWN_CA_KEYS = 64;

  /** A byte string compared by value (a digest or an encoded key). */
  private record Digest(byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && Arrays.equals(value, d.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }
  }
  private final List<byte[]> anchorNames = new ArrayList<>();

  /**
   * @throws IllegalArgumentException if an anchor does not hold an SM2 key
   */
  public CertificatePathValidator(TlcpCrypto crypto, Collection<X509Certificate> trustAnchors) {
    this(crypto, trustAnchors, DEFAULT_CACHE_SIZE);
  }

  /**
   * @param cacheSize verified certificate signatures to remember; 0 verifies every time
   * @throws IllegalArgumentException if an anchor does not hold an SM2 key
   */
  public CertificatePathValidator(TlcpCrypto crypto, Collection<X509Certificate> trustAnchors,
      int cacheSize) {
    this.crypto = crypto;
    this.cacheSize = cacheSize;
    int i = 0;
    for (X509Certificate x : trustAnchors) {
      byte[] der = Certificates.der(x, "trustAnchors[" + i + "]");
      Certificate c = Certificate.getInstance(der);
      Sm2PublicKey key;
      try {
        key = crypto.sm2PublicKey(c.getSubjectPublicKeyInfo().getEncoded());
      } catch (InvalidKeyException | IOException e) {
        throw new IllegalArgumentException("trustAnchors[" + i + "]: not an SM2 certificate ("
            + x.getSubjectX500Principal().getName() + ")", e);
      }
      anchors.computeIfAbsent(c.getSubject(), k -> new ArrayList<>()).add(new Anchor(c, key, x, der));
      try {
        anchorNames.add(c.getSubject().getEncoded(ASN1Encoding.DER));
      } catch (IOException e) {
        throw new IllegalArgumentException("trustAnchors[" + i + "]: subject cannot be encoded", e);
      }
      i++;
    }
  }

  /** DER subject names of the anchors, for CertificateRequest.certificate_authorities. */
  public List<byte[]> anchorNames() {
    return anchorNames;
  }

  public boolean hasAnchors() {
    return !anchors.isEmpty();
  }

  /**
   * Verifies the presented certificates.
   *
   * @param presented DER certificates in TLCP order (signing first)
   * @param checker null for none
   */
  public Result validate(List<byte[]> presented, PeerRole role, Instant now,
      RevocationChecker checker) throws TlcpAlertException {
    if (presented.isEmpty()) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "peer sent no certificate");
    }
    List<Certificate> parsed = new ArrayList<>(presented.size());
    for (byte[] der : presented) {
      try {
        parsed.add(Certificate.getInstance(der));
      } catch (RuntimeException e) {
        throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "unparsable certificate", e);
      }
    }
    Certificate signing = parsed.get(0);
    Certificate encryption = null;
    if (parsed.size() > 1 && !isCa(parsed.get(1))) {
      encryption = parsed.get(1);
    }
    long now0 = now.toEpochMilli();
    long[] notAfter = {Long.MAX_VALUE};
    try {
      Sm2PublicKey signingKey = checkLeaf(signing, parsed, role, true, now0, notAfter, checker);
      Sm2PublicKey encryptionKey = null;
      if (encryption != null) {
        encryptionKey = checkLeaf(encryption, parsed, role, false, now0, notAfter, checker);
      }
      return new Result(List.copyOf(presented), signingKey, encryptionKey, signing, notAfter[0]);
    } catch (RuntimeException e) {
      // BouncyCastle decodes certificate fields lazily: whatever else a hostile certificate
      // makes it throw is a bad certificate, not an internal error.
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "malformed certificate", e);
    }
  }

  /** Checks one leaf and its path; returns the leaf's key (decoded once per handshake). */
  private Sm2PublicKey checkLeaf(Certificate leaf, List<Certificate> pool, PeerRole role,
      boolean signing, long now, long[] notAfter, RevocationChecker checker)
      throws TlcpAlertException {
    String what = signing ? "signing certificate" : "encryption certificate";
    checkCommon(leaf, what, now, notAfter);
    KeyUsage ku = keyUsage(leaf, what);
    if (ku != null) {
      boolean ok = signing ? ku.hasUsages(KeyUsage.digitalSignature)
          : ku.hasUsages(KeyUsage.keyEncipherment) || ku.hasUsages(KeyUsage.keyAgreement);
      if (!ok) {
        throw new TlcpAlertException(Alert.UNSUPPORTED_CERTIFICATE, what + " lacks key usage "
            + (signing ? "digitalSignature" : "keyEncipherment/keyAgreement"));
      }
    }
    ExtendedKeyUsage eku;
    try {
      eku = ExtendedKeyUsage.fromExtensions(leaf.getTBSCertificate().getExtensions());
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " has a malformed extendedKeyUsage", e);
    }
    if (eku != null && !eku.hasKeyPurposeId(KeyPurposeId.anyExtendedKeyUsage)
        && !eku.hasKeyPurposeId(role == PeerRole.SERVER ? KeyPurposeId.id_kp_serverAuth
            : KeyPurposeId.id_kp_clientAuth)) {
      throw new TlcpAlertException(Alert.UNSUPPORTED_CERTIFICATE,
          what + " extendedKeyUsage does not allow " + (role == PeerRole.SERVER ? "serverAuth" : "clientAuth"));
    }
    Sm2PublicKey leafKey = key(leaf);

    List<Certificate> path = new ArrayList<>();
    List<Sm2PublicKey> caKeys = new ArrayList<>();
    path.add(leaf);
    Certificate current = leaf;
    for (int depth = 0; depth <= MAX_DEPTH; depth++) {
      Anchor anchor = anchorFor(current);
      if (anchor != null) {
        if (checker != null) {
          revocation(checker, path, anchor, what);
        }
        remember(path, caKeys);
        return leafKey;
      }
      Certificate issuer = null;
      Sm2PublicKey issuerKey = null;
      for (Certificate candidate : pool) {
        if (candidate != current && candidate.getSubject().equals(current.getIssuer())
            && isCa(candidate)) {
          Sm2PublicKey k = caKey(candidate);
          if (signedBy(current, k)) {
            issuer = candidate;
            issuerKey = k;
            break;
          }
        }
      }
      if (issuer == null) {
        throw new TlcpAlertException(Alert.UNKNOWN_CA, what + " does not chain to a trusted CA");
      }
      checkCa(issuer, depth, now, notAfter);
      path.add(issuer);
      caKeys.add(issuerKey);
      current = issuer;
    }
    throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " chain longer than " + MAX_DEPTH);
  }

  /**
   * The anchor that issued {@code c} (or is {@code c}), or null. An anchor with the right name
   * whose key does not verify the signature is no issuer: another CA of the same name (a
   * foreign PKI) leads to unknown_ca, not to a path.
   */
  private Anchor anchorFor(Certificate c) {
    List<Anchor> named = anchors.get(c.getIssuer());
    if (named == null) {
      return null;
    }
    for (Anchor a : named) {
      if (a.certificate.equals(c) || signedBy(c, a.key)) {
        return a;
      }
    }
    return null;
  }

  private void checkCa(Certificate ca, int depthBelow, long now, long[] notAfter)
      throws TlcpAlertException {
    checkCommon(ca, "CA certificate", now, notAfter);
    BasicConstraints bc = BasicConstraints.fromExtensions(ca.getTBSCertificate().getExtensions());
    if (bc.getPathLenConstraint() != null && bc.getPathLenConstraint().intValue() < depthBelow) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "CA path length constraint exceeded");
    }
    KeyUsage ku = keyUsage(ca, "CA certificate");
    if (ku != null && !ku.hasUsages(KeyUsage.keyCertSign)) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "CA certificate lacks keyCertSign");
    }
  }

  private static void checkCommon(Certificate c, String what, long now, long[] notAfter)
      throws TlcpAlertException {
    ASN1ObjectIdentifier alg = c.getSignatureAlgorithm().getAlgorithm();
    if (!GMObjectIdentifiers.sm2sign_with_sm3.equals(alg)
        || !c.getSignatureAlgorithm().equals(c.getTBSCertificate().getSignature())) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " is not signed with SM2-with-SM3");
    }
    if (now < millis(c.getStartDate(), what)) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " is not yet valid");
    }
    long end = millis(c.getEndDate(), what);
    if (now > end) {
      throw new TlcpAlertException(Alert.CERTIFICATE_EXPIRED, what + " has expired");
    }
    notAfter[0] = Math.min(notAfter[0], end);
    Extensions exts = c.getTBSCertificate().getExtensions();
    if (exts != null) {
      for (ASN1ObjectIdentifier oid : exts.getCriticalExtensionOIDs()) {
        if (!UNDERSTOOD_CRITICAL.contains(oid)) {
          throw new TlcpAlertException(Alert.UNSUPPORTED_CERTIFICATE,
              what + " has an unsupported critical extension " + oid);
        }
      }
    }
  }

  /** BouncyCastle parses validity times lazily and throws on a malformed one. */
  private static long millis(Time t, String what) throws TlcpAlertException {
    try {
      return t.getDate().getTime();
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " has a malformed validity time", e);
    }
  }

  private static KeyUsage keyUsage(Certificate c, String what) throws TlcpAlertException {
    try {
      return KeyUsage.fromExtensions(c.getTBSCertificate().getExtensions());
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " has a malformed keyUsage", e);
    }
  }

  private static boolean isCa(Certificate c) {
    try {
      BasicConstraints bc = BasicConstraints.fromExtensions(c.getTBSCertificate().getExtensions());
      return bc != null && bc.isCA();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Sm2PublicKey key(Certificate c) throws TlcpAlertException {
    try {
      return crypto.sm2PublicKey(c.getSubjectPublicKeyInfo().getEncoded());
    } catch (InvalidKeyException | IOException e) {
      throw new TlcpAlertException(Alert.UNSUPPORTED_CERTIFICATE, "certificate key is not SM2", e);
    }
  }

  /** The key of a CA the peer sent: the kept handle if this CA was seen on a valid path. */
  private Sm2PublicKey caKey(Certificate ca) throws TlcpAlertException {
    byte[] spki;
    try {
      spki = ca.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "CA certificate key cannot be encoded", e);
    }
    Digest id = new Digest(spki);
    synchronized (knownCaKeys) {
      Sm2PublicKey known = knownCaKeys.get(id);
      if (known != null) {
        return known;
      }
    }
    try {
      return crypto.sm2PublicKey(spki);
    } catch (InvalidKeyException e) {
      throw new TlcpAlertException(Alert.UNSUPPORTED_CERTIFICATE, "certificate key is not SM2", e);
    }
  }

  /** Keeps the key handles of the intermediate CAs of a path that reached an anchor. */
  private void remember(List<Certificate> path, List<Sm2PublicKey> caKeys) {
    for (int i = 0; i < caKeys.size(); i++) {
      byte[] spki;
      try {
        spki = path.get(i + 1).getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
      } catch (IOException e) {
        continue;
      }
      synchronized (knownCaKeys) {
        knownCaKeys.putIfAbsent(new Digest(spki), caKeys.get(i));
      }
    }
  }

  private boolean signedBy(Certificate c, Sm2PublicKey issuerKey) {
    try {
      Digest key = null;
      if (cacheSize > 0) {
        Sm3 h = crypto.sm3();
        h.update(issuerKey.encodedPoint());
        h.update(c.getEncoded(ASN1Encoding.DER));
        key = new Digest(h.digest());
        synchronized (verified) {
          if (verified.get(key) != null) {
            return true;
          }
        }
      }
      boolean ok = crypto.sm2Verify(issuerKey, c.getTBSCertificate().getEncoded(ASN1Encoding.DER),
          c.getSignature().getOctets());
      if (ok && key != null) {
        synchronized (verified) {
          verified.put(key, Boolean.TRUE);
        }
      }
      return ok;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void revocation(RevocationChecker checker, List<Certificate> path, Anchor anchor,
      String what) throws TlcpAlertException {
    List<X509Certificate> chain = new ArrayList<>(path.size() + 1);
    try {
      for (Certificate c : path) {
        chain.add(Certificates.fromDer(c.getEncoded(ASN1Encoding.DER)));
      }
    } catch (IOException | CertificateException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " cannot be re-encoded", e);
    }
    if (!anchor.certificate.equals(path.get(path.size() - 1))) {
      chain.add(anchor.original);
    }
    try {
      checker.check(List.copyOf(chain));
    } catch (CertificateRevokedException e) {
      throw new TlcpAlertException(Alert.CERTIFICATE_REVOKED, what + " is revoked", e);
    } catch (CertificateException e) {
      throw new TlcpAlertException(Alert.CERTIFICATE_UNKNOWN,
          what + " failed the revocation check: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.CERTIFICATE_UNKNOWN, what + " revocation check failed", e);
    }
  }
}
