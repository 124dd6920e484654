package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.RevocationChecker;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 *
 * <p>Cost before authentication is bounded: the certificates are the peer's own, sent before it
 * proved anything, so each SM2 verification is work an anonymous client can ask for. A leaf
 * whose issuer names cannot lead to an anchor's name through the CA certificates sent costs
 * none. Per {@link #validate} call a certificate already on the path is never tried again as its own
 * issuer, a (certificate, issuer key) pair is verified at most once, and at most
 * {@value #MAX_FAILED_VERIFICATIONS} verifications may fail (then unknown_ca): the SM2
 * verifications of one handshake are at most the signatures on the paths walked plus
 * {@value #MAX_FAILED_VERIFICATIONS}. Failed verifications are remembered across handshakes
 * (LRU), successes only once their path reached an anchor, so a peer cannot fill the cache with
 * signatures of its own making.
 *
 * <p>Trust anchors must be CA certificates (basicConstraints cA, and keyCertSign when keyUsage is
 * present); anything else is refused when the validator is built.
 * Thread-safe; built once per context.
 */
public final class CertificatePathValidator {

  /** The role of the peer whose certificates are checked. */
  public enum PeerRole { SERVER, CLIENT }

  /**
   * What a verified peer proved.
   *
   * @param path the peer's certificates on the verified paths, DER as sent: the signing
   *     certificate, the encryption certificate if sent, then the CA certificates of those paths
   *     below the trust anchor, each once; certificates the peer sent that are on no path are
   *     left out
   * @param certificates {@code path} parsed (every one of them parses: checked here)
   * @param notAfterMillis earliest notAfter on the paths
   */
  public record Result(List<byte[]> path, List<X509Certificate> certificates,
      Sm2PublicKey signingKey, Sm2PublicKey encryptionKey, Certificate signingCertificate,
      long notAfterMillis) {
  }

  /** Verifications that may fail in one {@link #validate} call before the peer is refused. */
  public static final int MAX_FAILED_VERIFICATIONS = 2;

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

  /**
   * SM3(issuer public point || certificate DER) of signatures that did not verify, LRU-bounded
   * like {@link #verified} but apart from it, so that failures cannot evict successes. A
   * signature that failed over identical bytes under the same key fails forever.
   */
  private final Map<Digest, Boolean> rejected = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Boolean> eldest) {
      return size() > cacheSize;
    }
  };

  /** What one {@link #validate} call has spent and learnt; never shared between calls. */
  private static final class Attempt {
    /** Pairs verified (or found in a cache) in this call, with the result. */
    final Map<Digest, Boolean> seen = new HashMap<>();
    /** Successes to remember across handshakes once their path reaches an anchor. */
    final List<Digest> unconfirmed = new ArrayList<>();
    /** The DER each certificate was parsed from, so that none is re-encoded. */
    final Map<Certificate, byte[]> ders = new IdentityHashMap<>();
    /** The validity (converted once per parsed certificate) of each certificate parsed. */
    final Map<Certificate, Certificates.Structure> structures = new IdentityHashMap<>();
    int failures;

    Certificates.Structure structure(Certificate c) {
      Certificates.Structure s = structures.get(c);
      return s != null ? s : Certificates.Structure.of(c);
    }

    byte[] der(Certificate c) throws IOException {
      byte[] der = ders.get(c);
      return der != null ? der : c.getEncoded(ASN1Encoding.DER);
    }
  }

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
  private final byte[] anchorsFingerprint;

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
      // Shared by every handshake on every event loop: its lazy values are computed here, once.
      Certificate c = Certificates.shareable(Certificate.getInstance(der));
      checkAnchorIsCa(c, "trustAnchors[" + i + "] (" + x.getSubjectX500Principal().getName() + ")");
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
    this.anchorsFingerprint = fingerprint(crypto, anchors.values());
  }

  /**
   * A trust anchor signs the paths it ends: it must be a CA. A leaf configured as an anchor would
   * make every certificate its key ever signed (or it is, for a self-signed one) a trusted path.
   */
  private static void checkAnchorIsCa(Certificate c, String field) {
    BasicConstraints bc;
    KeyUsage ku;
    try {
      bc = BasicConstraints.fromExtensions(c.getTBSCertificate().getExtensions());
      ku = KeyUsage.fromExtensions(c.getTBSCertificate().getExtensions());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": malformed basicConstraints or keyUsage", e);
    }
    if (bc == null || !bc.isCA()) {
      throw new IllegalArgumentException(field
          + ": not a CA certificate (basicConstraints cA is not set); a trust anchor must be a CA");
    }
    if (ku != null && !ku.hasUsages(KeyUsage.keyCertSign)) {
      throw new IllegalArgumentException(field
          + ": keyUsage lacks keyCertSign; a trust anchor must be allowed to sign certificates");
    }
  }

  /** SM3 over the anchors' DER, sorted, each length-prefixed: the same set gives the same value. */
  private static byte[] fingerprint(TlcpCrypto crypto, Collection<List<Anchor>> anchors) {
    List<byte[]> ders = new ArrayList<>();
    anchors.forEach(list -> list.forEach(a -> ders.add(a.der)));
    ders.sort(Arrays::compare);
    Sm3 h = crypto.sm3();
    for (byte[] d : ders) {
      h.update(new byte[] {(byte) (d.length >>> 24), (byte) (d.length >>> 16), (byte) (d.length >>> 8),
          (byte) d.length});
      h.update(d);
    }
    return h.digest();
  }

  /**
   * SM3 fingerprint of the set of trust anchors. A session records it, so that a session made
   * under other anchors (a ticket from another context sharing the ticket keys) never resumes.
   */
  public byte[] anchorsFingerprint() {
    return anchorsFingerprint.clone();
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
    Attempt attempt = new Attempt();
    List<Certificate> parsed = parse(presented, attempt);
    Certificate signing = parsed.get(0);
    Certificate encryption = null;
    if (parsed.size() > 1 && !isCa(parsed.get(1))) {
      encryption = parsed.get(1);
    }
    long now0 = now.toEpochMilli();
    long[] notAfter = {Long.MAX_VALUE};
    try {
      List<Certificate> onPath = new ArrayList<>();
      Sm2PublicKey signingKey = checkLeaf(signing, parsed, role, true, now0, notAfter, checker,
          attempt, onPath);
      Sm2PublicKey encryptionKey = null;
      if (encryption != null) {
        encryptionKey = checkLeaf(encryption, parsed, role, false, now0, notAfter, checker,
            attempt, onPath);
      }
      List<byte[]> path = verifiedPath(presented, parsed, onPath, signing, encryption);
      List<X509Certificate> certificates;
      try {
        certificates = List.copyOf(Certificates.fromDer(path));
      } catch (CertificateException e) {
        // The application reads the peer's identity from these: one it could not read would
        // make an authenticated peer look anonymous.
        throw new TlcpAlertException(Alert.BAD_CERTIFICATE,
            "a certificate on the verified path cannot be parsed", e);
      }
      // Sessions keep the path: one array per distinct certificate, not one per connection.
      return new Result(Certificates.shared(path), certificates, signingKey, encryptionKey, signing,
          notAfter[0]);
    } catch (RuntimeException e) {
      // BouncyCastle decodes certificate fields lazily: whatever else a hostile certificate
      // makes it throw is a bad certificate, not an internal error.
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "malformed certificate", e);
    }
  }

  /** Parses (or finds parsed) each certificate, remembering its DER for {@code attempt}. */
  private static List<Certificate> parse(List<byte[]> ders, Attempt attempt)
      throws TlcpAlertException {
    List<Certificate> parsed = new ArrayList<>(ders.size());
    for (byte[] der : ders) {
      Certificates.Structure s;
      try {
        s = Certificates.structure(der);
      } catch (RuntimeException e) {
        throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "unparsable certificate", e);
      }
      Certificate c = s.certificate();
      parsed.add(c);
      attempt.ders.putIfAbsent(c, der);
      attempt.structures.putIfAbsent(c, s);
    }
    return parsed;
  }

  /**
   * Resumption: re-checks a path this validator verified earlier (a session's
   * {@link Result#path()}) without verifying it again. Signatures, key usages and extensions of
   * identical bytes under the same anchors cannot have changed; what can is time and revocation.
   * So each certificate's validity is checked at {@code now} and each leaf's chain (leaf, its CAs
   * from the path, the anchor) goes to {@code checker} exactly as in {@link #validate}.
   *
   * <p>The chains are rebuilt by names. Where names do not single out one issuer (two CAs of the
   * path, or two anchors, with the issuer's name) or lead nowhere, this falls back to a full
   * {@link #validate}, which decides.
   *
   * @throws TlcpAlertException as {@link #validate} would: expired, revoked, unknown status
   */
  public void recheck(List<byte[]> path, PeerRole role, Instant now, RevocationChecker checker)
      throws TlcpAlertException {
    if (path.isEmpty()) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "peer sent no certificate");
    }
    Attempt attempt = new Attempt();
    List<Certificate> parsed = parse(path, attempt);
    long now0 = now.toEpochMilli();
    long[] notAfter = {Long.MAX_VALUE};
    try {
      int leaves = parsed.size() > 1 && !isCa(parsed.get(1)) ? 2 : 1;
      List<List<Certificate>> chains = new ArrayList<>(leaves);
      List<Anchor> ends = new ArrayList<>(leaves);
      for (int i = 0; i < leaves; i++) {
        List<Certificate> chain = new ArrayList<>(3);
        Anchor anchor = chainByName(parsed.get(i), parsed.subList(leaves, parsed.size()), chain);
        if (anchor == null) {
          validate(path, role, now, checker);
          return;
        }
        chains.add(chain);
        ends.add(anchor);
      }
      for (int i = 0; i < leaves; i++) {
        String what = i == 0 ? "signing certificate" : "encryption certificate";
        for (Certificate c : chains.get(i)) {
          checkCommon(attempt.structure(c), c == parsed.get(i) ? what : "CA certificate", now0,
              notAfter);
        }
        if (checker != null) {
          revocation(checker, chains.get(i), ends.get(i), what, attempt);
        }
      }
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "malformed certificate", e);
    }
  }

  /**
   * Fills {@code chain} with {@code leaf} and the CAs of {@code cas} up to the anchor that issued
   * the last of them, each step the one CA (or anchor) with the issuer's name; null if a step
   * finds none or more than one.
   */
  private Anchor chainByName(Certificate leaf, List<Certificate> cas, List<Certificate> chain) {
    Certificate current = leaf;
    chain.add(leaf);
    for (int depth = 0; depth <= MAX_DEPTH; depth++) {
      Certificate issuer = null;
      int found = 0;
      for (Certificate c : cas) {
        if (c.getSubject().equals(current.getIssuer()) && !containsSame(chain, c)) {
          issuer = c;
          found++;
        }
      }
      List<Anchor> named = anchors.get(current.getIssuer());
      if (named != null) {
        // The verified path stops below the anchor: an anchor's name here ends the chain, unless
        // a CA of the path has that name too (then the names alone do not tell).
        return found == 0 && named.size() == 1 ? named.get(0) : null;
      }
      if (found != 1) {
        return null;
      }
      chain.add(issuer);
      current = issuer;
    }
    return null;
  }

  /**
   * The presented DER of the leaves and of the CAs on their paths (in path order, each once),
   * matched by identity to what the peer sent.
   */
  private static List<byte[]> verifiedPath(List<byte[]> presented, List<Certificate> parsed,
      List<Certificate> cas, Certificate signing, Certificate encryption) {
    List<Certificate> order = new ArrayList<>(cas.size() + 2);
    order.add(signing);
    if (encryption != null) {
      order.add(encryption);
    }
    for (Certificate ca : cas) {
      if (!containsSame(order, ca)) {
        order.add(ca);
      }
    }
    List<byte[]> out = new ArrayList<>(order.size());
    for (Certificate c : order) {
      for (int i = 0; i < parsed.size(); i++) {
        if (parsed.get(i) == c) {
          out.add(presented.get(i));
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  private static boolean containsSame(List<Certificate> list, Certificate c) {
    for (Certificate x : list) {
      if (x == c) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks one leaf and its path; returns the leaf's key (decoded once per handshake) and adds
   * the CA certificates of the path (below the anchor) to {@code pathCas}.
   */
  private Sm2PublicKey checkLeaf(Certificate leaf, List<Certificate> pool, PeerRole role,
      boolean signing, long now, long[] notAfter, RevocationChecker checker, Attempt attempt,
      List<Certificate> pathCas) throws TlcpAlertException {
    String what = signing ? "signing certificate" : "encryption certificate";
    checkCommon(attempt.structure(leaf), what, now, notAfter);
    if (!reachesAnchorByName(leaf, pool)) {
      // Names cost nothing to compare: certificates that cannot lead to an anchor whatever
      // their signatures say cost no SM2 verification either.
      throw new TlcpAlertException(Alert.UNKNOWN_CA, what + " does not chain to a trusted CA");
    }
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
      Anchor anchor = anchorFor(current, attempt);
      if (anchor != null) {
        if (checker != null) {
          revocation(checker, path, anchor, what, attempt);
        }
        remember(path, caKeys);
        confirm(attempt);
        pathCas.addAll(path.subList(1, path.size()));
        return leafKey;
      }
      Certificate issuer = null;
      Sm2PublicKey issuerKey = null;
      // CAs already on the other leaf's verified path first: the encryption certificate is
      // almost always issued by the signing certificate's CA, and trying a same-named stranger
      // first would spend the failure budget.
      for (int pass = 0; pass < 2 && issuer == null; pass++) {
        for (Certificate candidate : pass == 0 ? pathCas : pool) {
          // A certificate already on the path cannot issue it again: a loop only costs
          // verifications and never reaches an anchor.
          if ((pass == 1 && containsSame(pathCas, candidate)) || containsSame(path, candidate)
              || !candidate.getSubject().equals(current.getIssuer()) || !isCa(candidate)) {
            continue;
          }
          Sm2PublicKey k = caKey(candidate);
          if (signedBy(current, k, attempt)) {
            issuer = candidate;
            issuerKey = k;
            break;
          }
        }
      }
      if (issuer == null) {
        throw new TlcpAlertException(Alert.UNKNOWN_CA, what + " does not chain to a trusted CA");
      }
      checkCa(issuer, depth, now, notAfter, attempt);
      path.add(issuer);
      caKeys.add(issuerKey);
      current = issuer;
    }
    throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " chain longer than " + MAX_DEPTH);
  }

  /**
   * Whether issuer names alone lead from {@code leaf} to an anchor's name through CA
   * certificates of {@code pool} (a breadth-first walk over at most the pool's names).
   */
  private boolean reachesAnchorByName(Certificate leaf, List<Certificate> pool) {
    Set<X500Name> seen = new HashSet<>();
    ArrayDeque<X500Name> pending = new ArrayDeque<>();
    pending.add(leaf.getIssuer());
    while (!pending.isEmpty()) {
      X500Name name = pending.poll();
      if (anchors.containsKey(name)) {
        return true;
      }
      if (!seen.add(name)) {
        continue;
      }
      for (Certificate c : pool) {
        if (c != leaf && c.getSubject().equals(name) && isCa(c)) {
          pending.add(c.getIssuer());
        }
      }
    }
    return false;
  }

  /**
   * The anchor that issued {@code c} (or is {@code c}), or null. An anchor with the right name
   * whose key does not verify the signature is no issuer: another CA of the same name (a
   * foreign PKI) leads to unknown_ca, not to a path.
   */
  private Anchor anchorFor(Certificate c, Attempt attempt) throws TlcpAlertException {
    List<Anchor> named = anchors.get(c.getIssuer());
    if (named == null) {
      return null;
    }
    for (Anchor a : named) {
      if (a.certificate.equals(c) || signedBy(c, a.key, attempt)) {
        return a;
      }
    }
    return null;
  }

  private void checkCa(Certificate ca, int depthBelow, long now, long[] notAfter, Attempt attempt)
      throws TlcpAlertException {
    checkCommon(attempt.structure(ca), "CA certificate", now, notAfter);
    BasicConstraints bc = BasicConstraints.fromExtensions(ca.getTBSCertificate().getExtensions());
    if (bc.getPathLenConstraint() != null && bc.getPathLenConstraint().intValue() < depthBelow) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "CA path length constraint exceeded");
    }
    KeyUsage ku = keyUsage(ca, "CA certificate");
    if (ku != null && !ku.hasUsages(KeyUsage.keyCertSign)) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "CA certificate lacks keyCertSign");
    }
  }

  private static void checkCommon(Certificates.Structure s, String what, long now,
      long[] notAfter) throws TlcpAlertException {
    Certificate c = s.certificate();
    ASN1ObjectIdentifier alg = c.getSignatureAlgorithm().getAlgorithm();
    if (!GMObjectIdentifiers.sm2sign_with_sm3.equals(alg)
        || !c.getSignatureAlgorithm().equals(c.getTBSCertificate().getSignature())) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " is not signed with SM2-with-SM3");
    }
    if (!s.datesReadable()) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " has a malformed validity time");
    }
    if (now < s.notBefore()) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " is not yet valid");
    }
    long end = s.notAfter();
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

  /**
   * Whether {@code issuerKey} signed {@code c}: from this call's memo, the caches, or one SM2
   * verification — refused with unknown_ca once this call had its share of failures.
   */
  private boolean signedBy(Certificate c, Sm2PublicKey issuerKey, Attempt attempt)
      throws TlcpAlertException {
    Digest key;
    try {
      Sm3 h = crypto.sm3();
      h.update(issuerKey.encodedPoint());
      h.update(attempt.der(c));
      key = new Digest(h.digest());
    } catch (IOException | RuntimeException e) {
      return failed(attempt);
    }
    Boolean known = attempt.seen.get(key);
    if (known != null) {
      return known;
    }
    if (cacheSize > 0) {
      synchronized (verified) {
        if (verified.get(key) != null) {
          attempt.seen.put(key, Boolean.TRUE);
          return true;
        }
      }
      boolean failedBefore;
      synchronized (rejected) {
        failedBefore = rejected.get(key) != null;
      }
      if (failedBefore) {
        attempt.seen.put(key, Boolean.FALSE);
        return failed(attempt);
      }
    }
    if (attempt.failures >= MAX_FAILED_VERIFICATIONS) {
      throw new TlcpAlertException(Alert.UNKNOWN_CA,
          "too many candidate issuers whose signatures do not verify");
    }
    boolean ok;
    try {
      ok = crypto.sm2Verify(issuerKey, c.getTBSCertificate().getEncoded(ASN1Encoding.DER),
          c.getSignature().getOctets());
    } catch (IOException | RuntimeException e) {
      ok = false;
    }
    attempt.seen.put(key, ok);
    if (ok) {
      attempt.unconfirmed.add(key);
      return true;
    }
    if (cacheSize > 0) {
      synchronized (rejected) {
        rejected.put(key, Boolean.TRUE);
      }
    }
    return failed(attempt);
  }

  private static boolean failed(Attempt attempt) {
    attempt.failures++;
    return false;
  }

  /** A path reached an anchor: remember the signatures verified so far across handshakes. */
  private void confirm(Attempt attempt) {
    if (cacheSize > 0 && !attempt.unconfirmed.isEmpty()) {
      synchronized (verified) {
        for (Digest d : attempt.unconfirmed) {
          verified.put(d, Boolean.TRUE);
        }
      }
    }
    attempt.unconfirmed.clear();
  }

  private static void revocation(RevocationChecker checker, List<Certificate> path, Anchor anchor,
      String what, Attempt attempt) throws TlcpAlertException {
    List<X509Certificate> chain = new ArrayList<>(path.size() + 1);
    try {
      for (Certificate c : path) {
        chain.add(Certificates.fromDer(attempt.der(c)));
      }
    } catch (IOException | CertificateException e) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, what + " cannot be re-encoded", e);
    }
    if (!anchor.certificate.equals(path.get(path.size() - 1))) {
      chain.add(anchor.original);
    }
    RevocationStatus status;
    try {
      status = checker.check(List.copyOf(chain));
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.CERTIFICATE_UNKNOWN, what + " revocation check failed", e);
    }
    if (status == RevocationStatus.REVOKED) {
      throw new TlcpAlertException(Alert.CERTIFICATE_REVOKED, what + " is revoked");
    }
    if (status != RevocationStatus.GOOD) {
      // UNKNOWN, or a checker that answered nothing: fail closed.
      throw new TlcpAlertException(Alert.CERTIFICATE_UNKNOWN, what + " revocation status unknown");
    }
  }
}
