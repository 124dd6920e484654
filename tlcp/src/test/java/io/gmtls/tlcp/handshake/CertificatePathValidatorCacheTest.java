package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import io.gmtls.tlcp.crypto.Sm4Gcm;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated chain validation skips the signature check it already did — and only that. */
class CertificatePathValidatorCacheTest {

  private static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

  /** BouncyCastle, counting signature verifications. */
  private static final class CountingCrypto implements TlcpCrypto {
    private final TlcpCrypto bc = new BcTlcpCrypto();
    int verifies;
    int decodes;

    @Override
    public boolean sm2Verify(Sm2PublicKey key, byte[] message, byte[] derSignature) {
      verifies++;
      return bc.sm2Verify(key, message, derSignature);
    }

    @Override
    public SecureRandom random() {
      return bc.random();
    }

    @Override
    public Sm2PrivateKey sm2PrivateKey(PrivateKey key) throws InvalidKeyException {
      return bc.sm2PrivateKey(key);
    }

    @Override
    public Sm2PublicKey sm2PublicKey(byte[] spki) throws InvalidKeyException {
      decodes++;
      return bc.sm2PublicKey(spki);
    }

    @Override
    public byte[] sm2Sign(Sm2PrivateKey key, byte[] message) {
      return bc.sm2Sign(key, message);
    }

    @Override
    public byte[] sm2Encrypt(Sm2PublicKey key, byte[] plaintext) {
      return bc.sm2Encrypt(key, plaintext);
    }

    @Override
    public byte[] sm2Decrypt(Sm2PrivateKey key, byte[] der) throws GeneralSecurityException {
      return bc.sm2Decrypt(key, der);
    }

    @Override
    public Sm2EphemeralKey sm2GenerateEphemeral() {
      return bc.sm2GenerateEphemeral();
    }

    @Override
    public byte[] sm2KeyExchange(int length, boolean initiator, Sm2PrivateKey ownStatic,
        Sm2EphemeralKey ownEphemeral, Sm2PublicKey peerStatic, byte[] peerPoint) throws InvalidKeyException {
      return bc.sm2KeyExchange(length, initiator, ownStatic, ownEphemeral, peerStatic, peerPoint);
    }

    @Override
    public Sm3 sm3() {
      return bc.sm3();
    }

    @Override
    public HmacSm3 hmacSm3(byte[] key) {
      return bc.hmacSm3(key);
    }

    @Override
    public Sm4Cbc sm4Cbc(byte[] key, boolean encrypt) {
      return bc.sm4Cbc(key, encrypt);
    }

    @Override
    public Sm4Gcm sm4Gcm(byte[] key, boolean encrypt) {
      return bc.sm4Gcm(key, encrypt);
    }
  }

  @Test
  void secondValidationOfTheSameCertificatesVerifiesNoSignature() throws Exception {
    CountingCrypto crypto = new CountingCrypto();
    CertificatePathValidator validator = new CertificatePathValidator(crypto, PKI.sm2Trust());
    Vehicle v = PKI.vehicles().get(0);
    List<byte[]> presented = List.of(v.sign().certificate().getEncoded(), v.enc().certificate().getEncoded());
    Instant now = Instant.now();

    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.verifies).as("one signature per leaf, issuer is an anchor").isEqualTo(2);
    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.verifies).as("remembered").isEqualTo(2);

    // Same signature over different bytes: checked again, refused, and not remembered.
    byte[] forged = v.sign().certificate().getEncoded().clone();
    byte[] serial = v.sign().certificate().getSerialNumber().toByteArray();
    int at = indexOf(forged, serial);
    forged[at + serial.length - 1] ^= 1;
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> validator.validate(List.of(forged), CertificatePathValidator.PeerRole.CLIENT, now, null))
          .isInstanceOf(TlcpAlertException.class)
          .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.UNKNOWN_CA));
    }
    assertThat(crypto.verifies).isEqualTo(4);

    // Time-dependent checks still run on a remembered certificate.
    Instant later = v.sign().certificate().getNotAfter().toInstant().plusSeconds(1);
    assertThatThrownBy(() -> validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, later, null))
        .isInstanceOf(TlcpAlertException.class).hasMessageContaining("expired");

    // Size 0: every validation verifies.
    CountingCrypto uncached = new CountingCrypto();
    CertificatePathValidator every = new CertificatePathValidator(uncached, PKI.sm2Trust(), 0);
    every.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    every.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(uncached.verifies).isEqualTo(4);
  }

  @Test
  void intermediateCaKeyIsDecodedOnceAndOnlyAfterAValidPath() throws Exception {
    CountingCrypto crypto = new CountingCrypto();
    // Only the root is trusted: the peer's issuing CA is an intermediate; signature cache off, so
    // every validation verifies every signature (a vehicle seen for the first time).
    CertificatePathValidator validator = new CertificatePathValidator(crypto,
        List.of(PKI.sm2Root().certificate()), 0);
    int anchorDecodes = crypto.decodes;
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
    int afterForged = crypto.decodes;
    assertThat(afterForged - anchorDecodes).as("forged leaf + issuing CA").isEqualTo(2);

    validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    // 2 leaves, the issuing CA once for the signing path, then kept for the encryption path
    assertThat(crypto.decodes - afterForged).isEqualTo(3);
    assertThat(crypto.verifies).as("forged: 1; then leaf + CA per path").isEqualTo(5);

    int before = crypto.decodes;
    CertificatePathValidator.Result r =
        validator.validate(presented, CertificatePathValidator.PeerRole.CLIENT, now, null);
    assertThat(crypto.decodes - before).as("leaves only; the CA key is kept").isEqualTo(2);
    assertThat(crypto.verifies).as("still verified every time").isEqualTo(9);
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
