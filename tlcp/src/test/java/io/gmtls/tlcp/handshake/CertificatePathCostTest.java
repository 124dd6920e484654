package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an unauthenticated client can make the validator spend (issue 11 item 4): SM2
 * verifications per handshake stay within the signatures of the longest path its certificates
 * can form plus {@link CertificatePathValidator#MAX_FAILED_VERIFICATIONS}, however it orders or
 * names ten CA-flagged certificates of its own making.
 */
class CertificatePathCostTest {

  private static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));
  /** Leaf plus 8 CAs: the most signatures one path can have before "chain too long". */
  private static final int LONGEST_PATH = 9;

  /**
   * A leaf and nine CA certificates, each signed by the key of the one after it in the list
   * ({@code reverse}: before it), the last by a stranger. Named like the real issuing CA (a trust
   * anchor: every level tries the anchor too) or ({@code anchorNamed} false) all alike under a
   * name of their own (the chain of valid signatures goes as deep as the depth limit).
   */
  private static List<byte[]> craftedChain(boolean reverse, boolean anchorNamed) throws Exception {
    String anchorName = anchorNamed ? PKI.sm2Issuing().certificate().getSubjectX500Principal().getName()
        : "CN=Crafted CA";
    List<KeyPair> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keys.add(CraftedCertificates.sm2KeyPair());
    }
    KeyPair stranger = CraftedCertificates.sm2KeyPair();
    // keys[0] is the leaf's; keys[i] (i >= 1) the i-th CA's.
    List<X509Certificate> cas = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      KeyPair signer = i + 1 < 10 ? keys.get(i + 1) : stranger;
      cas.add(CraftedCertificates.issue(anchorName, anchorName, keys.get(i).getPublic(),
          signer.getPrivate(), CraftedCertificates.ca()));
    }
    X509Certificate leaf = CraftedCertificates.issue("CN=not a vehicle", anchorName,
        keys.get(0).getPublic(), keys.get(1).getPrivate(), b -> { });
    if (reverse) {
      java.util.Collections.reverse(cas);
    }
    List<byte[]> presented = new ArrayList<>();
    presented.add(leaf.getEncoded());
    for (X509Certificate c : cas) {
      presented.add(c.getEncoded());
    }
    return presented;
  }

  @Test
  void tenCraftedCaFlaggedCertificatesCostAtMostThePathLengthPlusTwoVerifications() throws Exception {
    for (boolean reverse : new boolean[] {false, true}) {
      for (boolean anchorNamed : new boolean[] {true, false}) {
      for (int cacheSize : new int[] {0, CertificatePathValidator.DEFAULT_CACHE_SIZE}) {
        CountingCrypto crypto = new CountingCrypto();
        CertificatePathValidator validator = new CertificatePathValidator(crypto, PKI.sm2Trust(), cacheSize);
        List<byte[]> presented = craftedChain(reverse, anchorNamed);
        assertThat(presented).hasSize(10);

        assertThatThrownBy(() -> validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT,
            Instant.now(), null)).isInstanceOf(TlcpAlertException.class)
            .satisfies(e -> assertThat(((TlcpAlertException) e).alert())
                .isIn(Alert.UNKNOWN_CA, Alert.BAD_CERTIFICATE));
        assertThat(crypto.verifies())
            .as("SM2 verifications of one handshake (reverse=%s, anchorNamed=%s, cache=%d)", reverse,
                anchorNamed, cacheSize)
            .isLessThanOrEqualTo(LONGEST_PATH + CertificatePathValidator.MAX_FAILED_VERIFICATIONS);
        if (!anchorNamed) {
          assertThat(crypto.verifies()).as("no name leads to an anchor: nothing to verify").isZero();
        }

        // The same certificates again: nothing more is learnt, nothing more may be spent.
        int before = crypto.verifies();
        assertThatThrownBy(() -> validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT,
            Instant.now(), null)).isInstanceOf(TlcpAlertException.class);
        assertThat(crypto.verifies() - before).as("repeated (reverse=%s, anchorNamed=%s, cache=%d)",
            reverse, anchorNamed, cacheSize)
            .isLessThanOrEqualTo(LONGEST_PATH + CertificatePathValidator.MAX_FAILED_VERIFICATIONS);
      }
      }
    }
  }

  @Test
  void aValidChainAmongCraftedCandidatesStillVerifiesWithinTheBound() throws Exception {
    Vehicle v = PKI.vehicles().get(0);
    // Only the root is trusted: the vehicle's path is leaf -> issuing CA -> root. The crafted
    // CAs carry the issuing CA's name and come first, so each is a candidate for the leaf.
    CountingCrypto crypto = new CountingCrypto();
    CertificatePathValidator validator = new CertificatePathValidator(crypto,
        List.of(PKI.sm2Root().certificate()), 0);
    String issuingName = PKI.sm2Issuing().certificate().getSubjectX500Principal().getName();
    List<byte[]> presented = new ArrayList<>();
    presented.add(v.sign().certificate().getEncoded());
    presented.add(v.enc().certificate().getEncoded());
    KeyPair k = CraftedCertificates.sm2KeyPair();
    presented.add(CraftedCertificates.issue(issuingName, issuingName, k.getPublic(), k.getPrivate(),
        CraftedCertificates.ca()).getEncoded());
    presented.add(PKI.sm2Issuing().certificate().getEncoded());

    CertificatePathValidator.Result r = validator.validate(presented,
        CertificatePathValidator.PeerRole.CLIENT, Instant.now(), null);

    // leaf (1 failure under the crafted CA, then the issuing CA), issuing CA under the root,
    // encryption leaf (the crafted CA's failure remembered, then the issuing CA).
    assertThat(crypto.verifies()).isLessThanOrEqualTo(3 + CertificatePathValidator.MAX_FAILED_VERIFICATIONS);
    assertThat(r.path()).hasSize(3).doesNotContain(presented.get(2));
  }
}
