package io.gmtls.tlcp.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.tlcp.crypto.Forwarding;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The TLCP PRF of the key schedule, against P_SM3 written out by hand. */
class PrfTest {

  private static final TlcpCrypto CRYPTO = new BcTlcpCrypto();

  @Test
  void prfIsTheTls12ConstructionWithHmacSm3() {
    // P_SM3 by hand for 40 bytes: A(1) = HMAC(s, seed), out = HMAC(s, A(1)+seed) || HMAC(s, A(2)+seed)
    byte[] secret = "secret".getBytes(StandardCharsets.US_ASCII);
    byte[] seed = "labelseed".getBytes(StandardCharsets.US_ASCII);
    HmacSm3 mac = CRYPTO.hmacSm3(secret);
    mac.update(seed);
    byte[] a1 = mac.doFinal();
    mac.update(a1);
    mac.update(seed);
    byte[] b1 = mac.doFinal();
    mac.update(a1);
    byte[] a2 = mac.doFinal();
    mac.update(a2);
    mac.update(seed);
    byte[] b2 = mac.doFinal();
    byte[] expected = new byte[40];
    System.arraycopy(b1, 0, expected, 0, 32);
    System.arraycopy(b2, 0, expected, 32, 8);
    assertThat(Prf.compute(CRYPTO, secret, "label", "se".getBytes(StandardCharsets.US_ASCII),
        "ed".getBytes(StandardCharsets.US_ASCII), 40)).isEqualTo(expected);
  }

  @Test
  void noHmacBeyondTheLastBlockWanted() {
    // verify_data (12 bytes): A(1) and one block; a 40-byte key block: A(1), A(2) and two blocks.
    // The PRF used to compute one A more than it needed on every call (a third of verify_data's
    // HMACs).
    AtomicInteger macs = new AtomicInteger();
    TlcpCrypto counting = countingHmacs(macs);
    byte[] secret = new byte[48];
    byte[] seed = new byte[32];
    assertThat(Prf.compute(counting, secret, "client finished", seed, new byte[0], 12))
        .isEqualTo(Prf.compute(CRYPTO, secret, "client finished", seed, new byte[0], 12));
    assertThat(macs.getAndSet(0)).isEqualTo(2);
    Prf.compute(counting, secret, "key expansion", seed, seed, 40);
    assertThat(macs.getAndSet(0)).isEqualTo(4);
    Prf.compute(counting, secret, "master secret", seed, seed, 64);
    assertThat(macs.get()).isEqualTo(4);
  }

  /** BcTlcpCrypto whose HMACs count their doFinal calls (either form: each forwards once). */
  private static TlcpCrypto countingHmacs(AtomicInteger macs) {
    Forwarding.Observer countDoFinal = (call, args, result) -> {
      if (call.getName().equals("doFinal")) {
        macs.incrementAndGet();
      }
      return result;
    };
    return Forwarding.to(TlcpCrypto.class, CRYPTO, (method, args, result) ->
        result instanceof HmacSm3 mac ? Forwarding.to(HmacSm3.class, mac, countDoFinal) : result);
  }
}
