package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.TlcpDetector.Detected;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TlcpDetectorTest {

  private static Detected detect(int... bytes) {
    ByteBuffer b = ByteBuffer.allocate(bytes.length + 2);
    b.put((byte) 9).put((byte) 9); // position is honoured
    for (int x : bytes) {
      b.put((byte) x);
    }
    b.flip().position(2);
    Detected d = TlcpDetector.detect(b);
    assertThat(b.position()).isEqualTo(2);
    return d;
  }

  @Test
  void tellsTlcpFromTls() {
    assertThat(detect(22, 1, 1, 0, 0x35)).isEqualTo(Detected.TLCP);
    assertThat(detect(22, 3, 1, 0, 0xc8)).isEqualTo(Detected.TLS);
    assertThat(detect(22, 3, 3, 2, 0)).isEqualTo(Detected.TLS);
  }

  @Test
  void waitsForTheHeader() {
    assertThat(detect()).isEqualTo(Detected.NEED_MORE);
    assertThat(detect(22)).isEqualTo(Detected.NEED_MORE);
    assertThat(detect(22, 1, 1, 0)).isEqualTo(Detected.NEED_MORE);
  }

  @Test
  void refusesEverythingElse() {
    assertThat(detect('G', 'E', 'T', ' ', '/')).isEqualTo(Detected.NOT_TLS);
    assertThat(detect(23, 1, 1, 0, 5)).isEqualTo(Detected.NOT_TLS);
    assertThat(detect(0x80, 0x2e, 1, 0, 2)).isEqualTo(Detected.NOT_TLS);   // SSLv2 hello
    assertThat(detect(22, 2, 0)).isEqualTo(Detected.NOT_TLS);
    assertThat(detect(22, 1, 2, 0, 5)).isEqualTo(Detected.NOT_TLS);
    assertThat(detect(22, 1, 1, 0, 0)).isEqualTo(Detected.NOT_TLS);         // empty record
    assertThat(detect(22, 1, 1, 0x48, 1)).isEqualTo(Detected.NOT_TLS);      // oversized
  }

  @Test
  void recordLimitsAreTheStandardsNumbers() {
    // GB/T 38636-2020 6.3.3: a 5-byte header; TLCPCiphertext.length at most 2^14 + 2048.
    assertThat(TlcpDetector.RECORD_HEADER_LENGTH).isEqualTo(5);
    assertThat(TlcpDetector.MAX_RECORD_LENGTH).isEqualTo(16384 + 2048);
    int max = TlcpDetector.MAX_RECORD_LENGTH;
    assertThat(detect(22, 1, 1, max >>> 8, max & 0xff)).isEqualTo(Detected.TLCP);
    assertThat(detect(22, 1, 1, (max + 1) >>> 8, (max + 1) & 0xff)).isEqualTo(Detected.NOT_TLS);
  }
}
