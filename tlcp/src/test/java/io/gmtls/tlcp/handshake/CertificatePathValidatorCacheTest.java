package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated chain validation skips the signature check it already did — and only that. */
class CertificatePathValidatorCacheTest {

  private static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

  @Test
  void secondValidationOfTheSameCertificatesVerifiesNoSignature() throws Exception {
    CountingCrypto crypto = new CountingCrypto();
    CertificatePathValidator validator = new CertificatePathValidator(crypto, PKI.sm2Trust());
    Vehicle v = PKI.vehicles().get(0);
    List<byte[]> presented = List.of(v.sign().certificate().getEncoded(), v.enc().certificate().getEncoded());
    Instant now = Instant.now();

    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.verifies()).as("one signature per leaf, issuer is an anchor").isEqualTo(2);
    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.verifies()).as("remembered").isEqualTo(2);

    // Same signature over different bytes: checked, refused, not remembered as valid; the
    // failure is remembered, so the second attempt costs no verification.
    byte[] forged = v.sign().certificate().getEncoded().clone();
    byte[] serial = v.sign().certificate().getSerialNumber().toByteArray();
    int at = indexOf(forged, serial);
    forged[at + serial.length - 1] ^= 1;
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> validator.validate(List.of(forged), CertificatePathValidator.PeerRole.CLIENT, now, null))
          .isInstanceOf(TlcpAlertException.class)
          .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.UNKNOWN_CA));
    }
    assertThat(crypto.verifies()).isEqualTo(3);

    // Time-dependent checks still run on a remembered certificate.
    Instant later = v.sign().certificate().getNotAfter().toInstant().plusSeconds(1);
    assertThatThrownBy(() -> validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, later, null))
        .isInstanceOf(TlcpAlertException.class).hasMessageContaining("expired");

    // Size 0: every validation verifies.
    CountingCrypto uncached = new CountingCrypto();
    CertificatePathValidator every = new CertificatePathValidator(uncached, PKI.sm2Trust(), 0);
    every.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    every.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(uncached.verifies()).isEqualTo(4);
  }

  @Test
  void intermediateCaKeyIsDecodedOnceAndOnlyAfterAValidPath() throws Exception {
    CountingCrypto crypto = new CountingCrypto();
    // Only the root is trusted: the peer's issuing CA is an intermediate; signature cache off, so
    // every validation verifies every signature (a vehicle seen for the first time).
    CertificatePathValidator validator = new CertificatePathValidator(crypto,
        List.of(PKI.sm2Root().certificate()), 0);
    int anchorDecodes = crypto.decodes();
    Vehicle v = PKI.vehicles().get(0);
    byte[] issuing = PKI.sm2Issuing().certificate().getEncoded();
    List<byte[]> presented = List.of(v.sign().certificate().getEncoded(), v.enc().certificate().getEncoded(), issuing);
    Instant now = Instant.now();

    // A forged leaf under the real issuing CA: refused, and the CA is not remembered from it.
    byte[] forged = v.sign().certificate().getEncoded().clone();
    byte[] serial = v.sign().certificate().getSerialNumber().toByteArray();
    forged[indexOf(forged, serial) + serial.length - 1] ^= 1;
    assertThatThrownBy(() -> validator.validate(List.of(forged, issuing), CertificatePathValidator.PeerRole.CLIENT, now, null))
        .isInstanceOf(TlcpAlertException.class)
        .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.UNKNOWN_CA));
    int afterForged = crypto.decodes();
    assertThat(afterForged - anchorDecodes).as("forged leaf + issuing CA").isEqualTo(2);

    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    // 2 leaves, the issuing CA once for the signing path, then kept for the encryption path
    assertThat(crypto.decodes() - afterForged).isEqualTo(3);
    assertThat(crypto.verifies()).as("forged: 1; then both leaves, and the CA once per handshake").isEqualTo(4);

    int before = crypto.decodes();
    CertificatePathValidator.Result r =
        validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.decodes() - before).as("leaves only; the CA key is kept").isEqualTo(2);
    assertThat(crypto.verifies()).as("still verified every time").isEqualTo(7);
    assertThat(r.signingKey().encodedPoint()).isEqualTo(
        crypto.sm2PublicKey(v.sign().certificate().getPublicKey().getEncoded()).encodedPoint());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
