package io.gmtls.tlcp.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
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

  /** SM3 that counts its compression-function calls. */
  private static final class CountingSm3 extends SM3Digest {
    int blocks;

    @Override
    protected void processBlock() {
      blocks++;
      super.processBlock();
    }
  }

  /** HMAC-SM3 over a counting digest, the way BcTlcpCrypto builds it. */
  private static HmacSm3 countingHmac(CountingSm3 digest) {
    HMac mac = new HMac(digest);
    mac.init(new KeyParameter(MAC));
    return new HmacSm3() {
      @Override
      public void update(byte[] data, int offset, int length) {
        mac.update(data, offset, length);
      }

      @Override
      public void doFinal(byte[] out, int offset) {
        mac.doFinal(out, offset);
      }

      @Override
      public void reset() {
        mac.reset();
      }
    };
  }

  /**
   * A CBC record (sequence 0, application data) of {@code plen} encrypted bytes with the given
   * padding length, a correct MAC and correct padding; {@code damage} then spoils it.
   */
  private static byte[] forge(int plen, int padLength, int damage) {
    int contentLength = plen - 32 - 1 - padLength;
    byte[] content = new byte[contentLength];
    new Random(padLength).nextBytes(content);
    byte[] header = {0, 0, 0, 0, 0, 0, 0, 0, 23, 1, 1, (byte) (contentLength >>> 8), (byte) contentLength};
    HmacSm3 mac = CRYPTO.hmacSm3(MAC);
    mac.update(header);
    mac.update(content);
    byte[] tag = mac.doFinal();
    byte[] buf = new byte[16 + plen];
    System.arraycopy(content, 0, buf, 16, contentLength);
    System.arraycopy(tag, 0, buf, 16 + contentLength, 32);
    Arrays.fill(buf, 16 + contentLength + 32, buf.length, (byte) padLength);
    switch (damage) {
      case 1 -> buf[16 + contentLength + 5] ^= 1;                       // MAC wrong
      case 2 -> buf[buf.length - 2] ^= (byte) (padLength == 0 ? 0 : 1); // a padding byte wrong
      case 3 -> buf[buf.length - 1] = (byte) 255;                       // padding length too long / wrong
      default -> { }
    }
    CRYPTO.sm4Cbc(KEY, true).process(new byte[16], 0, buf, 16, plen);
    return buf;
  }

  @Test
  void macCostsTheSameCompressionsForEveryPaddingLength() throws Exception {
    int plen = 320; // room for every padding length 0..255 after a MAC and 32 bytes of content
    Map<String, Integer> blocksByCase = new HashMap<>();
    for (int padLength = 0; padLength <= 255; padLength++) {
      for (int damage = 0; damage < 4; damage++) {
        CountingSm3 digest = new CountingSm3();
        CbcProtection open = new CbcProtection(CRYPTO.sm4Cbc(KEY, false), countingHmac(digest), CRYPTO.random());
        byte[] record = forge(plen, padLength, damage);
        digest.blocks = 0;
        boolean opened;
        try {
          assertThat(open.open(23, record, 0, record.length)).isEqualTo(plen - 33 - padLength);
          opened = true;
        } catch (TlcpAlertException e) {
          assertThat(e.alert()).isEqualTo(Alert.BAD_RECORD_MAC);
          opened = false;
        }
        boolean intact = damage == 0 || (damage == 2 && padLength == 0) || (damage == 3 && padLength == 255);
        assertThat(opened).as("pad %d damage %d", padLength, damage).isEqualTo(intact);
        blocksByCase.put(padLength + "/" + damage, digest.blocks);
      }
    }
    // Inner hash of the longest content the record could hold (less the ipad block, hashed when
    // the key was set), plus the outer hash's one block.
    int expected = CbcProtection.innerHashBlocks(plen - 33) - 1 + 1;
    assertThat(blocksByCase.values()).containsOnly(expected);
    // Without the dummy blocks the costs would differ by up to this much: the test can fail.
    assertThat(CbcProtection.innerHashBlocks(plen - 33) - CbcProtection.innerHashBlocks(plen - 33 - 255))
        .isGreaterThanOrEqualTo(3);
  }
}
