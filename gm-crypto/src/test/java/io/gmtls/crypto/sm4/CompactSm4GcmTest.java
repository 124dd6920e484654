package io.gmtls.crypto.sm4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** The compact SM4-GCM against BouncyCastle's GCMBlockCipher, and RFC 8998's test vector. */
class CompactSm4GcmTest {

  @Test
  void sealsAndOpensExactlyAsBouncyCastleOnRandomInputs() throws Exception {
    Random random = new Random(8998);
    // Full blocks in pairs and alone (the two-block CTR and GHASH steps and the single ones), partial tails.
    int[] lengths = {0, 1, 15, 16, 17, 31, 32, 33, 48, 63, 80, 100, 1000, 16384};
    for (int round = 0; round < 200; round++) {
      byte[] key = new byte[16];
      byte[] nonce = new byte[12];
      byte[] aad = new byte[round % 3 == 0 ? 13 : random.nextInt(70)];
      random.nextBytes(key);
      random.nextBytes(nonce);
      random.nextBytes(aad);
      byte[] plain = new byte[lengths[round % lengths.length]];
      random.nextBytes(plain);
      CompactSm4Gcm sealer = new CompactSm4Gcm(key);
      byte[] buf = Arrays.copyOf(plain, plain.length + CompactSm4Gcm.TAG + 5);

      int n = sealer.seal(nonce, aad, buf, 0, plain.length);

      assertThat(Arrays.copyOf(buf, n)).as("round %d", round).isEqualTo(BouncyCastleSm4Gcm.seal(key, nonce, aad, plain));
      int m = new CompactSm4Gcm(key).open(nonce, aad, buf, 0, n);
      assertThat(Arrays.copyOf(buf, m)).isEqualTo(plain);
    }
  }

  @Test
  void oneKeyServesManyRecordsAtAnOffset() throws Exception {
    byte[] key = HexFormat.of().parseHex("0123456789abcdeffedcba9876543210");
    CompactSm4Gcm sealer = new CompactSm4Gcm(key);
    CompactSm4Gcm opener = new CompactSm4Gcm(key);
    for (int seq = 0; seq < 5; seq++) {
      byte[] nonce = new byte[12];
      nonce[11] = (byte) seq;
      byte[] aad = {0, 0, 0, 0, 0, 0, 0, (byte) seq, 23, 1, 1, 0, 40};
      byte[] plain = ("record " + seq + " of a connection, forty bytes long.").getBytes();
      byte[] buf = new byte[7 + plain.length + CompactSm4Gcm.TAG];
      System.arraycopy(plain, 0, buf, 7, plain.length);
      int n = sealer.seal(nonce, aad, buf, 7, plain.length);
      assertThat(Arrays.copyOfRange(buf, 7, 7 + n)).isEqualTo(BouncyCastleSm4Gcm.seal(key, nonce, aad, plain));
      assertThat(opener.open(nonce, aad, buf, 7, n)).isEqualTo(plain.length);
      assertThat(Arrays.copyOfRange(buf, 7, 7 + plain.length)).isEqualTo(plain);
    }
  }

  @Test
  void rfc8998TestVector() throws Exception {
    // RFC 8998 appendix A.1 (SM4-GCM).
    HexFormat hex = HexFormat.of();
    byte[] key = hex.parseHex("0123456789ABCDEFFEDCBA9876543210");
    byte[] nonce = hex.parseHex("00001234567800000000ABCD");
    byte[] aad = hex.parseHex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
    byte[] plain = hex.parseHex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        + "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
    byte[] buf = Arrays.copyOf(plain, plain.length + 16);

    new CompactSm4Gcm(key).seal(nonce, aad, buf, 0, plain.length);

    assertThat(hex.formatHex(buf).toUpperCase()).isEqualTo(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        + "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        + "83DE3541E4C2B58177E065A9BF7B62EC");
  }

  @Test
  void aTamperedRecordIsRefusedAndLeftUndecrypted() throws Exception {
    byte[] key = new byte[16];
    byte[] nonce = new byte[12];
    byte[] aad = new byte[13];
    byte[] buf = new byte[32 + 16];
    int n = new CompactSm4Gcm(key).seal(nonce, aad, buf, 0, 32);
    for (int at : new int[] {0, 31, 32, 47}) {
      byte[] tampered = buf.clone();
      tampered[at] ^= 1;
      byte[] before = tampered.clone();
      assertThatThrownBy(() -> new CompactSm4Gcm(key).open(nonce, aad, tampered, 0, n))
          .isInstanceOf(AEADBadTagException.class);
      assertThat(tampered).as("nothing decrypted in place").isEqualTo(before);
    }
    byte[] otherAad = aad.clone();
    otherAad[12] = 1;
    assertThatThrownBy(() -> new CompactSm4Gcm(key).open(nonce, otherAad, buf.clone(), 0, n))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> new CompactSm4Gcm(key).open(nonce, aad, new byte[15], 0, 15))
        .isInstanceOf(AEADBadTagException.class);
  }
}
