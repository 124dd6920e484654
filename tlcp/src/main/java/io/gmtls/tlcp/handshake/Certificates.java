package io.gmtls.tlcp.handshake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Turns DER certificates into {@link X509Certificate}s with BouncyCastle's provider (whose
 * certificates know SM2 keys and the SM3withSM2 algorithm name), without registering it.
 *
 * <p>Parsed certificates are shared: a bounded LRU cache, keyed by the DER bytes themselves,
 * returns the same (immutable) object for the same bytes. One handshake asks for the same
 * certificate several times (path validation, revocation, the application's listener, the
 * session's peer certificates), the issuing CA of a fleet is in every handshake, and a vehicle
 * that reconnects sends the same bytes again: each costs a hash lookup instead of a parse through
 * the JCA. Certificates are public data, so sharing them between connections keeps no secret;
 * a certificate that does not parse is never cached.
 */
public final class Certificates {

  /** Distinct certificates kept parsed (a few KB each); least recently used go first. */
  public static final int CACHE_SIZE = 1024;

  private static final class Holder {
    static final Provider BC = new BouncyCastleProvider();
  }

  private static final Lru<Parsed> PARSED = new Lru<>(CACHE_SIZE);

  /** A parsed certificate with the cache's own copy of its DER. */
  private record Parsed(byte[] der, X509Certificate certificate) {
  }
  private static final Lru<Structure> STRUCTURES = new Lru<>(CACHE_SIZE);

  /**
   * BouncyCastle's ASN.1 view of one certificate with its validity period converted to epoch
   * milliseconds once, when it is parsed: BouncyCastle converts {@code Time} through a
   * {@code SimpleDateFormat} and a {@code GregorianCalendar} on every call, which was most of the
   * cost of re-checking a resumed session's path. {@code datesReadable} is false when either
   * validity time is malformed (then both millis are 0 and checks must fail closed).
   */
  public record Structure(Certificate certificate, long notBefore, long notAfter,
      boolean datesReadable) {

    static Structure of(Certificate c) {
      try {
        return new Structure(c, c.getStartDate().getDate().getTime(),
            c.getEndDate().getDate().getTime(), true);
      } catch (RuntimeException e) {
        // BouncyCastle parses validity times lazily and throws on a malformed one.
        return new Structure(c, 0, 0, false);
      }
    }
  }

  private Certificates() {
  }

  /** The BouncyCastle provider instance this module uses (not installed in {@code Security}). */
  public static Provider provider() {
    return Holder.BC;
  }

  /** Parses one DER certificate (or returns the object parsed earlier from the same bytes). */
  public static X509Certificate fromDer(byte[] der) throws CertificateException {
    DerKey key = new DerKey(der);
    Parsed known = PARSED.get(key);
    if (known != null) {
      return known.certificate();
    }
    CertificateFactory f = CertificateFactory.getInstance("X.509", Holder.BC);
    X509Certificate parsed = (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der));
    DerKey kept = key.copy();
    PARSED.put(kept, new Parsed(kept.der(), parsed));
    return parsed;
  }

  /**
   * The cache's own copy of these DER bytes when they were parsed lately, else {@code ders}'
   * arrays themselves: what a session keeps then shares one array with the cache and with the
   * other sessions of the same certificates (the issuing CA of a fleet, a vehicle that
   * reconnects), instead of a copy per connection. The returned arrays must not be modified.
   */
  public static List<byte[]> shared(List<byte[]> ders) {
    List<byte[]> out = new ArrayList<>(ders.size());
    for (byte[] der : ders) {
      Parsed known = PARSED.get(new DerKey(der));
      out.add(known == null ? der : known.der());
    }
    return List.copyOf(out);
  }

  /** Parses DER certificates, keeping the order. */
  public static List<X509Certificate> fromDer(List<byte[]> ders) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>(ders.size());
    for (byte[] d : ders) {
      out.add(fromDer(d));
    }
    return out;
  }

  /**
   * BouncyCastle's ASN.1 view of one DER certificate with its validity in millis, shared like
   * {@link #fromDer(byte[])}.
   *
   * @throws IllegalArgumentException (or another RuntimeException) if it does not parse
   */
  public static Structure structure(byte[] der) {
    DerKey key = new DerKey(der);
    Structure known = STRUCTURES.get(key);
    if (known != null) {
      return known;
    }
    Structure parsed = Structure.of(shareable(Certificate.getInstance(der)));
    STRUCTURES.put(key.copy(), parsed);
    return parsed;
  }

  /**
   * Makes a parsed certificate safe to hand to other threads: computes now, on this thread and
   * before it is published, what BouncyCastle's ASN.1 objects compute lazily and racily on first
   * use — {@code X500Name.hashCode()} sets its "calculated" flag before it stores the value (a
   * second thread can read 0 and miss the trust anchor in a name lookup: a valid vehicle refused
   * with unknown_ca), and {@code ASN1Set.toDERObject()} publishes its sorted copy before sorting
   * it (read by every DER re-encoding and {@code equals}). Returns {@code c}.
   */
  static Certificate shareable(Certificate c) {
    c.getIssuer().hashCode();
    c.getSubject().hashCode();
    try {
      c.getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      // Not encodable: whoever uses it fails on it as before; there is nothing to precompute.
    }
    return c;
  }

  /** Parsed certificates held now (for tests: the cache is bounded). */
  static int cachedCount() {
    return PARSED.size();
  }

  /** The DER encoding, with a checked exception turned into an IllegalArgumentException. */
  public static byte[] der(X509Certificate c, String field) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException(field + ": certificate cannot be encoded", e);
    }
  }

  /**
   * DER bytes compared by value; {@link #copy()} before keeping one, the caller may reuse its array.
   * Hashed by their length and last 64 bytes only: a certificate ends with its signature, which
   * differs between any two certificates (its nonce is random), and hashing all of a 700-byte
   * certificate (0.6 µs on JDK 17, whose {@code Arrays.hashCode} is a byte-by-byte loop) on each of
   * the ten or so lookups of a resumed handshake was a few percent of its cost. Equality still
   * compares every byte.
   */
  private record DerKey(byte[] der, int hash) {
    DerKey(byte[] der) {
      this(der, tailHash(der));
    }

    private static int tailHash(byte[] der) {
      int h = der.length;
      for (int i = Math.max(0, der.length - 64); i < der.length; i++) {
        h = 31 * h + der[i];
      }
      return h;
    }

    DerKey copy() {
      return new DerKey(der.clone(), hash);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DerKey k && k.hash == hash && Arrays.equals(der, k.der);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A synchronized access-ordered map of at most {@code max} entries. */
  private static final class Lru<V> {
    private final Map<DerKey, V> map;

    Lru(int max) {
      this.map = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DerKey, V> eldest) {
          return size() > max;
        }
      };
    }

    synchronized V get(DerKey key) {
      return map.get(key);
    }

    synchronized void put(DerKey key, V value) {
      map.putIfAbsent(key, value);
    }

    synchronized int size() {
      return map.size();
    }
  }
}
