package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TlcpAlertException;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
import org.junit.jupiter.api.Test;

/**
 * Certificates parsed once per distinct DER (bounded), and the resumption re-check of a verified
 * path: the same chains go to the revocation checker as in the full validation, dates still count.
 */
class CertificatesCacheTest {

  private static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

  @Test
  void sameBytesGiveTheSameCertificateAsAFreshParse() throws Exception {
    byte[] der = PKI.vehicles().get(0).sign().certificate().getEncoded();
    X509Certificate first = Certificates.fromDer(der);
    byte[] copy = der.clone();

    X509Certificate second = Certificates.fromDer(copy);

    assertThat(second).isSameAs(first);
    X509Certificate fresh = (X509Certificate) CertificateFactory.getInstance("X.509", Certificates.provider())
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(second.getEncoded()).isEqualTo(fresh.getEncoded());
    assertThat(second.getSubjectX500Principal()).isEqualTo(fresh.getSubjectX500Principal());
    assertThat(second.getSerialNumber()).isEqualTo(fresh.getSerialNumber());
    assertThat(second.getPublicKey()).isEqualTo(fresh.getPublicKey());

    // The cache keeps its own copy of the bytes: what the caller does with its array later changes nothing.
    copy[copy.length - 1] ^= 1;
    assertThat(Certificates.fromDer(der)).isSameAs(first);
    assertThat(Certificates.structure(der)).isSameAs(Certificates.structure(der.clone()));

    // Sessions of the same certificate share one DER array, equal to the bytes sent.
    byte[] shared = Certificates.shared(List.of(der.clone())).get(0);
    assertThat(Certificates.shared(List.of(der.clone())).get(0)).isSameAs(shared).isEqualTo(der);
    byte[] neverParsed = {1, 2, 3};
    assertThat(Certificates.shared(List.of(neverParsed)).get(0)).isSameAs(neverParsed);
  }

  @Test
  void unparsableBytesAreRefusedEveryTime() {
    byte[] junk = {0x30, 0x03, 0x02, 0x01, 0x01};
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> Certificates.fromDer(junk)).isInstanceOf(CertificateException.class);
    }
  }

  @Test
  void theCacheIsBounded() throws Exception {
    KeyPair key = CraftedCertificates.sm2KeyPair();
    List<X509Certificate> parsed = new ArrayList<>();
    for (int i = 0; i < Certificates.CACHE_SIZE + 20; i++) {
      byte[] der = CraftedCertificates.der("CN=car " + i, "CN=ca", key.getPublic(), key.getPrivate(), b -> { });
      parsed.add(Certificates.fromDer(der));
    }

    assertThat(Certificates.cachedCount()).isLessThanOrEqualTo(Certificates.CACHE_SIZE);
    // The first ones were evicted: parsing them again gives a new (equal) object.
    byte[] firstDer = parsed.get(0).getEncoded();
    X509Certificate again = Certificates.fromDer(firstDer);
    assertThat(again).isNotSameAs(parsed.get(0)).isEqualTo(parsed.get(0));
  }

  @Test
  void recheckSendsTheChainsTheFullValidationSentToTheChecker() throws Exception {
    CertificatePathValidator validator = new CertificatePathValidator(new CountingCrypto(), PKI.sm2Trust());
    Vehicle v = PKI.vehicles().get(0);
    List<byte[]> presented = new ArrayList<>();
    for (X509Certificate c : v.sign().chain()) {
      presented.add(c.getEncoded());
    }
    presented.add(1, v.enc().certificate().getEncoded());
    Instant now = Instant.now();
    List<List<X509Certificate>> full = new CopyOnWriteArrayList<>();
    CertificatePathValidator.Result result = validator.validate(presented,
        CertificatePathValidator.PeerRole.CLIENT, now, chain -> {
          full.add(chain);
          return RevocationStatus.GOOD;
        });
    List<List<X509Certificate>> resumed = new CopyOnWriteArrayList<>();

    validator.recheck(result.path(), CertificatePathValidator.PeerRole.CLIENT, now, chain -> {
      resumed.add(chain);
      return RevocationStatus.GOOD;
    });

    assertThat(full).hasSize(2);
    assertThat(resumed).isEqualTo(full);
  }

  @Test
  void recheckRefusesARevokedOrExpiredPath() throws Exception {
    CountingCrypto crypto = new CountingCrypto();
    CertificatePathValidator validator = new CertificatePathValidator(crypto, PKI.sm2Trust());
    Vehicle v = PKI.vehicles().get(0);
    List<byte[]> presented = List.of(v.sign().certificate().getEncoded(), v.enc().certificate().getEncoded());
    Instant now = Instant.now();
    CertificatePathValidator.Result result =
        validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, chain -> RevocationStatus.GOOD);
    int verifies = crypto.verifies();

    assertThatThrownBy(() -> validator.recheck(result.path(), CertificatePathValidator.PeerRole.CLIENT, now,
        chain -> chain.get(0).equals(v.enc().certificate()) ? RevocationStatus.REVOKED : RevocationStatus.GOOD))
        .isInstanceOf(TlcpAlertException.class)
        .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.CERTIFICATE_REVOKED));
    assertThatThrownBy(() -> validator.recheck(result.path(), CertificatePathValidator.PeerRole.CLIENT, now,
        chain -> null))
        .isInstanceOf(TlcpAlertException.class)
        .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.CERTIFICATE_UNKNOWN));
    Instant later = v.sign().certificate().getNotAfter().toInstant().plusSeconds(1);
    assertThatThrownBy(() -> validator.recheck(result.path(), CertificatePathValidator.PeerRole.CLIENT, later,
        chain -> RevocationStatus.GOOD))
        .isInstanceOf(TlcpAlertException.class)
        .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.CERTIFICATE_EXPIRED));
    assertThat(crypto.verifies()).as("a re-check verifies no signature").isEqualTo(verifies);
  }

  @Test
  void aMalformedValidityTimeIsABadCertificateOnEveryHandshake() throws Exception {
    // Validity is converted once per parsed certificate: an unreadable time must still fail every
    // time the cached structure is used, not only when it was parsed.
    byte[] der = PKI.vehicles().get(0).sign().certificate().getEncoded();
    int at = -1;
    for (int i = 0; i + 2 < der.length; i++) {
      if ((der[i] == 0x17 && der[i + 1] == 13) || (der[i] == 0x18 && der[i + 1] == 15)) {
        at = i + 2;
        break;
      }
    }
    assertThat(at).as("a validity time in the certificate").isPositive();
    der[at + 2] = 'x';
    CertificatePathValidator validator = new CertificatePathValidator(new CountingCrypto(), PKI.sm2Trust());

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> validator.validate(List.of(der), CertificatePathValidator.PeerRole.CLIENT,
          Instant.now(), chain -> RevocationStatus.GOOD))
          .isInstanceOf(TlcpAlertException.class)
          .hasMessageContaining("malformed validity time")
          .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.BAD_CERTIFICATE));
    }
  }

  /**
   * Regression: a cached certificate is handed to every event loop, and BouncyCastle's X500Name
   * caches its hash code racily (it sets "calculated" before it stores the value), so a second
   * thread could read 0 and miss the trust anchor in a name lookup — a valid vehicle refused with
   * unknown_ca at a gateway's cold start. The cache now computes those lazy values before it
   * publishes a certificate. Each round: a certificate new to the cache (another serial), parsed
   * once, then looked up and hashed by several threads at the same moment.
   */
  @Test
  void aCachedCertificateIsSafeToUseFromManyThreadsAtOnce() throws Exception {
    byte[] original = PKI.vehicles().get(0).enc().certificate().getEncoded();
    int serialAt = 15; // 30 82 xx xx 30 82 xx xx a0 03 02 01 02 02 len | serial
    assertThat(original[13]).isEqualTo((byte) 0x02);
    int serialEnd = serialAt + original[14];
    X500Name issuer =
        Certificate.getInstance(original).getIssuer();
    X500Name subject =
        Certificate.getInstance(original).getSubject();
    int issuerHash = issuer.hashCode();
    int subjectHash = subject.hashCode();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    CyclicBarrier end = new CyclicBarrier(threads + 1);
    AtomicInteger wrong = new AtomicInteger();
    AtomicReference<byte[]> current = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    int rounds = 3000;
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          for (int r = 0; r < rounds; r++) {
            start.await();
            Certificate c = Certificates.structure(current.get()).certificate();
            if (c.getIssuer().hashCode() != issuerHash || c.getSubject().hashCode() != subjectHash
                || !c.getIssuer().equals(issuer)) {
              wrong.incrementAndGet();
            }
            end.await();
          }
        } catch (Exception e) {
          wrong.incrementAndGet();
        }
      });
      w.start();
      workers.add(w);
    }
    for (int r = 0; r < rounds; r++) {
      byte[] der = original.clone();
      der[serialEnd - 1] = (byte) r;
      der[serialEnd - 2] = (byte) (r >> 8);
      der[serialEnd - 3] = (byte) 0x5a; // a serial no other round or test has
      Certificates.structure(der); // parsed once, as by the first handshake that sent it
      current.set(der);
      start.await();
      end.await();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(wrong.get()).as("threads that saw a wrong name hash").isZero();
  }
}
