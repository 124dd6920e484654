package io.gmtls.tlcp.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CBC record protection: every length round-trips; every kind of damage is one bad_record_mac. */
class CbcProtectionTest {

  private static final TlcpCrypto CRYPTO = new BcTlcpCrypto();
  private static final byte[] KEY = new byte[16];
  private static final byte[] MAC = new byte[32];

  private static CbcProtection sealer() {
    return new CbcProtection(CRYPTO.sm4Cbc(KEY, true), CRYPTO.hmacSm3(MAC), CRYPTO.random());
  }

  private static CbcProtection opener() {
    return new CbcProtection(CRYPTO.sm4Cbc(KEY, false), CRYPTO.hmacSm3(MAC), CRYPTO.random());
  }

  @Test
  void roundTripsEveryLengthAroundBlockBoundaries() throws Exception {
    CbcProtection seal = sealer();
    CbcProtection open = opener();
    Random random = new Random(7);
    for (int len : new int[] {0, 1, 14, 15, 16, 17, 31, 32, 33, 100, 16383, 16384}) {
      byte[] plain = new byte[len];
      random.nextBytes(plain);
      byte[] buf = new byte[seal.sealedLength(len)];
      System.arraycopy(plain, 0, buf, 16, len);
      int n = seal.seal(23, buf, 0, len);
      assertThat(n).isEqualTo(buf.length).isLessThanOrEqualTo(ContentType.MAX_CIPHERTEXT);
      assertThat(n % 16).isZero();
      int m = open.open(23, buf, 0, n);
      assertThat(Arrays.copyOfRange(buf, 16, 16 + m)).isEqualTo(plain);
    }
  }

  @Test
  void badPaddingAndBadMacGiveTheSameAlert() throws Exception {
    // Forge records with chosen padding under the right keys: encrypt by hand.
    for (int variant = 0; variant < 4; variant++) {
      CbcProtection open = opener();
      byte[] content = "0123456789".getBytes();
      byte[] header = new byte[13];
      header[8] = 23;
      header[9] = 1;
      header[10] = 1;
      header[12] = (byte) content.length;
      var mac = CRYPTO.hmacSm3(MAC);
      mac.update(header);
      mac.update(content);
      byte[] tag = mac.doFinal();
      int padLength = 5;
      byte[] body = new byte[content.length + 32 + padLength + 1];
      System.arraycopy(content, 0, body, 0, content.length);
      System.arraycopy(tag, 0, body, content.length, 32);
      Arrays.fill(body, content.length + 32, body.length, (byte) padLength);
      switch (variant) {
        case 0 -> body[content.length + 32] = 4;                 // one padding byte wrong
        case 1 -> body[body.length - 1] = (byte) 200;            // padding length beyond the record
        case 2 -> body[3] ^= 1;                                  // content changed: MAC wrong
        default -> { }                                           // intact: must open
      }
      byte[] buf = new byte[16 + body.length];
      System.arraycopy(body, 0, buf, 16, body.length);
      Sm4Cbc enc = CRYPTO.sm4Cbc(KEY, true);
      enc.process(new byte[16], 0, buf, 16, body.length);
      if (variant == 3) {
        assertThat(open.open(23, buf, 0, buf.length)).isEqualTo(content.length);
      } else {
        assertThatThrownBy(() -> open.open(23, buf, 0, buf.length))
            .isInstanceOf(TlcpAlertException.class)
            .satisfies(e -> assertThat(((TlcpAlertException) e).alert()).isEqualTo(Alert.BAD_RECORD_MAC))
            .hasMessage("bad_record_mac: record MAC or padding check failed");
      }
    }
  }

  @Test
  void impossibleLengthsAreBadRecordMac() {
    for (int len : new int[] {0, 16, 48, 63, 65}) {
      assertThatThrownBy(() -> opener().open(23, new byte[len], 0, len))
          .isInstanceOf(TlcpAlertException.class).hasMessageStartingWith("bad_record_mac");
    }
  }

  @Test
  void sequenceNumbersAreAuthenticated() throws Exception {
    CbcProtection seal = sealer();
    CbcProtection open = opener();
    byte[] first = new byte[seal.sealedLength(3)];
    seal.seal(23, first, 0, 3);
    byte[] second = new byte[seal.sealedLength(3)];
    seal.seal(23, second, 0, 3);
    // replaying the second record first: sequence 0 expected, 1 used
    assertThatThrownBy(() -> open.open(23, second, 0, second.length)).isInstanceOf(TlcpAlertException.class);
  }

  @Test
  void everySingleBitFlipIsRejected() throws Exception {
    for (boolean gcm : new boolean[] {false, true}) {
      RecordProtection sealer = gcm ? new GcmProtection(CRYPTO.sm4Gcm(KEY, true), new byte[4]) : sealer();
      byte[] plain = "sixteen byte msg and some more".getBytes();
      byte[] record = new byte[sealer.sealedLength(plain.length)];
      System.arraycopy(plain, 0, record, sealer.prefix(), plain.length);
      int n = sealer.seal(23, record, 0, plain.length);
      for (int pos = 0; pos < n; pos++) {
        for (int bit : new int[] {0x01, 0x80}) {
          RecordProtection opener = gcm ? new GcmProtection(CRYPTO.sm4Gcm(KEY, false), new byte[4]) : opener();
          byte[] t = Arrays.copyOf(record, n);
          t[pos] ^= (byte) bit;
          int p = pos;
          assertThatThrownBy(() -> opener.open(23, t, 0, n)).as("%s flip at %d", gcm ? "GCM" : "CBC", p)
              .isInstanceOf(TlcpAlertException.class).hasMessageStartingWith("bad_record_mac");
        }
      }
      RecordProtection opener = gcm ? new GcmProtection(CRYPTO.sm4Gcm(KEY, false), new byte[4]) : opener();
      assertThat(opener.open(23, Arrays.copyOf(record, n), 0, n)).isEqualTo(plain.length);
    }
  }
}
