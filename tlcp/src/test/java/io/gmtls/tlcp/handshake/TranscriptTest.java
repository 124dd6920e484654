package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import org.junit.jupiter.api.Test;

/** The raw messages kept for GmSSL's CertificateVerify form are bounded and can be dropped. */
class TranscriptTest {

  private static final BcTlcpCrypto CRYPTO = new BcTlcpCrypto();

  @Test
  void keepsTheMessagesOnlyWhenAskedAndUpToTheBound() {
    assertThat(new Transcript(CRYPTO).messages()).isNull();

    Transcript kept = new Transcript(CRYPTO, true);
    Transcript hashOnly = new Transcript(CRYPTO);
    byte[] message = new byte[64 * 1024];
    message[0] = 1;
    kept.add(message);
    hashOnly.add(message);
    assertThat(kept.messages()).isEqualTo(message);
    for (int i = 1; i < Transcript.MAX_KEPT_MESSAGES / message.length; i++) {
      kept.add(message);
      hashOnly.add(message);
    }
    assertThat(kept.messages()).hasSize(Transcript.MAX_KEPT_MESSAGES);
    kept.add(new byte[] {1});
    hashOnly.add(new byte[] {1});
    assertThat(kept.messages()).as("over the bound: dropped, not grown").isNull();
    assertThat(kept.hash()).as("the hash goes on").isEqualTo(hashOnly.hash());
  }

  @Test
  void droppedMessagesAreGoneButTheHashGoesOn() {
    Transcript t = new Transcript(CRYPTO, true);
    Transcript reference = new Transcript(CRYPTO);
    t.add(new byte[] {1, 2, 3});
    reference.add(new byte[] {1, 2, 3});
    t.dropMessages();
    t.add(new byte[] {4});
    reference.add(new byte[] {4});
    assertThat(t.messages()).isNull();
    assertThat(t.hash()).isEqualTo(reference.hash());
  }
}
