package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one revocation vocabulary: what {@link CrlRevocationChecker} answers for real certs-dev
 * chains and CRLs, and the alert each {@link RevocationStatus} (and a checker that answers
 * nothing or throws) costs the peer in a real handshake.
 */
class RevocationCheckerTest {

  private static final List<X509Certificate> GOOD_CHAIN = TestPki.PKI.vehicles().get(0).sign().chain();
  private static final List<X509Certificate> REVOKED_CHAIN = TestPki.PKI.revokedVehicle().sign().chain();

  @Test
  void crlCheckerFindsTheRevokedVehicleAndPassesTheOthers() {
    CrlRevocationChecker checker = new CrlRevocationChecker(List.of(TestPki.PKI.sm2Crl()));

    assertThat(checker.check(REVOKED_CHAIN)).isEqualTo(RevocationStatus.REVOKED);
    assertThat(checker.check(GOOD_CHAIN)).isEqualTo(RevocationStatus.GOOD);
  }

  @Test
  void issuerWithoutCrlIsUnknownOnlyWhenACrlIsRequired() {
    assertThat(new CrlRevocationChecker(List.of()).check(GOOD_CHAIN)).isEqualTo(RevocationStatus.GOOD);
    assertThat(new CrlRevocationChecker(List.of(), true, new BcTlcpCrypto()).check(REVOKED_CHAIN))
        .isEqualTo(RevocationStatus.UNKNOWN);
    CrlRevocationChecker issuingCaCrlOnly =
        new CrlRevocationChecker(List.of(TestPki.PKI.sm2Crl()), true, new BcTlcpCrypto());
    assertThat(issuingCaCrlOnly.check(GOOD_CHAIN.subList(0, 2)))
        .as("vehicle -> issuing CA: its CRL is there").isEqualTo(RevocationStatus.GOOD);
    assertThat(issuingCaCrlOnly.check(GOOD_CHAIN))
        .as("issuing CA -> root: the root's CRL is not").isEqualTo(RevocationStatus.UNKNOWN);
  }

  @Test
  void crlOfAnotherPkiCountsForNothing() {
    // The other PKI's CRL is signed by another key (and lists another vehicle): it neither
    // revokes nor vouches for anything of this PKI.
    CrlRevocationChecker checker =
        new CrlRevocationChecker(List.of(TestPki.OTHER.sm2Crl()), true, new BcTlcpCrypto());

    assertThat(checker.check(REVOKED_CHAIN)).isEqualTo(RevocationStatus.UNKNOWN);
  }

  @ParameterizedTest
  @EnumSource(value = RevocationStatus.class, names = {"REVOKED", "UNKNOWN"})
  void statusOtherThanGoodRefusesTheClient(RevocationStatus status) throws Exception {
    Alert expected = status == RevocationStatus.REVOKED ? Alert.CERTIFICATE_REVOKED : Alert.CERTIFICATE_UNKNOWN;

    assertRefused(chain -> status, expected);
  }

  @Test
  void checkerAnsweringNothingOrThrowingFailsClosed() throws Exception {
    assertRefused(chain -> null, Alert.CERTIFICATE_UNKNOWN);
    assertRefused(chain -> {
      throw new IllegalStateException("CRL store unavailable");
    }, Alert.CERTIFICATE_UNKNOWN);
  }

  @Test
  void goodChainAndTheNoneCheckerPass() throws Exception {
    for (RevocationChecker checker : List.of(RevocationChecker.NONE, chain -> RevocationStatus.GOOD)) {
      TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).revocationChecker(checker).build();
      EnginePair pair = EnginePair.of(TestPki.client().build(), server).handshake();
      assertThat(pair.server.error).isNull();
      assertThat(pair.client.error).isNull();
    }
  }

  @Test
  void checkerSeesTheVerifiedPathUpToTheAnchor() throws Exception {
    List<List<X509Certificate>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).revocationChecker(chain -> {
      seen.add(chain);
      return RevocationStatus.GOOD;
    }).build();

    EnginePair.of(TestPki.client().build(), server).handshake();

    assertThat(seen).isNotEmpty();
    assertThat(seen.get(0).get(0)).isEqualTo(GOOD_CHAIN.get(0));
    assertThat(TestPki.PKI.sm2Trust()).contains(seen.get(0).get(seen.get(0).size() - 1));
  }

  private static void assertRefused(RevocationChecker checker, Alert alert) throws Exception {
    TlcpContext server = TestPki.server().clientAuth(ClientAuth.REQUIRED).revocationChecker(checker).build();
    EnginePair pair = EnginePair.of(TestPki.client().build(), server).handshake();
    assertThat(pair.server.raisedAlert()).as("server error: %s", pair.server.error).isEqualTo(alert);
    assertThat(pair.client.receivedAlert()).as("client error: %s", pair.client.error).isEqualTo(alert);
  }
}
