package io.gmtls.crypto.sm4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** The table-driven SM4 block function against GB/T 32907's examples and BouncyCastle's SM4Engine. */
class Sm4BlockTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void standardExampleOnceAndAMillionTimes() {
    // GB/T 32907-2016 appendix A, examples 1 and 2.
    byte[] key = HEX.parseHex("0123456789abcdeffedcba9876543210");
    Sm4Block sm4 = new Sm4Block(key);
    byte[] block = key.clone();

    sm4.encrypt(block, 0, block, 0);
    assertThat(HEX.formatHex(block)).isEqualTo("681edf34d206965e86b3e94f536e4246");
    for (int i = 1; i < 1_000_000; i++) {
      sm4.encrypt(block, 0, block, 0);
    }
    assertThat(HEX.formatHex(block)).isEqualTo("595298c7c6fd271f0402f804c33d3f66");
  }

  @Test
  void encryptsAsBouncyCastleOnRandomKeysAndBlocksAtOffsets() {
    Random random = new Random(32907);
    for (int round = 0; round < 2000; round++) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      byte[] in = new byte[21];
      random.nextBytes(in);
      SM4Engine bc = new SM4Engine();
      bc.init(true, new KeyParameter(key));
      byte[] expected = new byte[16];
      bc.processBlock(in, 3, expected, 0);
      byte[] out = new byte[19];

      new Sm4Block(key).encrypt(in, 3, out, 2);

      assertThat(java.util.Arrays.copyOfRange(out, 2, 18)).as("round %d", round).isEqualTo(expected);
      int[] w = {Sm4Block.be(in, 3), Sm4Block.be(in, 7), Sm4Block.be(in, 11), Sm4Block.be(in, 15)};
      byte[] fromWords = new byte[16];
      new Sm4Block(key).encrypt(w[0], w[1], w[2], w[3], fromWords, 0);
      assertThat(fromWords).isEqualTo(expected);
    }
  }
}
