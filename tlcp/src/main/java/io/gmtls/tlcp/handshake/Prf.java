package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The TLCP pseudo-random function (GB/T 38636-2020 clause 6.5.2): the TLS 1.2 {@code P_hash}
 * construction (RFC 5246 clause 5) with HMAC-SM3.
 *
 * <pre>
 * PRF(secret, label, seed) = P_SM3(secret, label + seed)
 * P_SM3(secret, seed) = HMAC_SM3(secret, A(1) + seed) + HMAC_SM3(secret, A(2) + seed) + ...
 * A(0) = seed, A(i) = HMAC_SM3(secret, A(i-1))
 * </pre>
 */
final class Prf {

  private Prf() {
  }

  /**
   * {@code length} bytes of {@code PRF(secret, label, seed1 + seed2)}: 2·⌈length / 32⌉ HMACs
   * (A(i+1) only when a block i+1 is wanted: verify_data takes two, a key block of 40 bytes four).
   */
  static byte[] compute(TlcpCrypto crypto, byte[] secret, String label, byte[] seed1,
      byte[] seed2, int length) {
    return compute(crypto.hmacSm3(secret), label, seed1, seed2, length);
  }

  /**
   * The same with HMAC-SM3 already keyed with the secret, not in the middle of a message (and
   * left so): the PRFs of one secret can share one keyed MAC.
   */
  static byte[] compute(HmacSm3 mac, String label, byte[] seed1, byte[] seed2, int length) {
    byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[length];
    mac.update(labelBytes);
    mac.update(seed1);
    mac.update(seed2);
    byte[] a = mac.doFinal();
    byte[] block = new byte[HmacSm3.LENGTH];
    for (int pos = 0; ; ) {
      mac.update(a);
      mac.update(labelBytes);
      mac.update(seed1);
      mac.update(seed2);
      mac.doFinal(block, 0);
      System.arraycopy(block, 0, out, pos, Math.min(block.length, length - pos));
      pos += block.length;
      if (pos >= length) {
        break;
      }
      mac.update(a);
      a = mac.doFinal();
    }
    // Output bytes beyond length (key material) are not left lying in the heap.
    Arrays.fill(block, (byte) 0);
    return out;
  }
}
