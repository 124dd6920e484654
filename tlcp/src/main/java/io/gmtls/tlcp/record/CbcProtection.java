package io.gmtls.tlcp.record;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import java.security.SecureRandom;

/**
 * SM4-CBC with HMAC-SM3, MAC-then-encrypt, explicit IV (GB/T 38636-2020 clause 6.3.3.4.3).
 *
 * <pre>
 * struct {
 *   opaque IV[SecurityParameters.record_iv_length];          -- 16
 *   block-ciphered struct {
 *     opaque content[TLCPCompressed.length];
 *     opaque MAC[SecurityParameters.mac_length];             -- 32
 *     uint8 padding[GenericBlockCipher.padding_length];
 *     uint8 padding_length;
 *   };
 * } GenericBlockCipher;
 * MAC = HMAC_SM3(MAC_write_secret, seq_num + type + version + length + content)
 * </pre>
 *
 * <p>Decryption checks padding and MAC without branching on either: the padding check runs over a
 * fixed window with masks, the MAC is always computed (over the content a zero-length padding
 * would give when the padding is bad) and compared in constant time, and every failure is the one
 * alert bad_record_mac.
 */
public final class CbcProtection extends RecordProtection {

  private static final int IV = Sm4Cbc.BLOCK;
  private static final int MAC = HmacSm3.LENGTH;

  private final Sm4Cbc cipher;
  private final HmacSm3 mac;
  private final SecureRandom random;
  private final byte[] header = new byte[13];

  /** {@code cipher} and {@code mac} keyed for this direction. */
  public CbcProtection(Sm4Cbc cipher, HmacSm3 mac, SecureRandom random) {
    this.cipher = cipher;
    this.mac = mac;
    this.random = random;
  }

  @Override
  public int prefix() {
    return IV;
  }

  @Override
  public int sealedLength(int plaintextLength) {
    int body = plaintextLength + MAC + 1;
    return IV + (body + IV - 1) / IV * IV;
  }

  @Override
  public int maxPlaintext(int fragmentLength) {
    return Math.max(0, fragmentLength - IV - MAC - 1);
  }

  @Override
  public int seal(int type, byte[] buf, int offset, int plaintextLength) {
    long seq = nextSequence();
    int content = offset + IV;
    writePseudoHeader(header, seq, type, plaintextLength);
    mac.update(header);
    mac.update(buf, content, plaintextLength);
    mac.doFinal(buf, content + plaintextLength);
    int body = plaintextLength + MAC + 1;
    int padLength = (IV - body % IV) % IV;
    int padStart = content + plaintextLength + MAC;
    for (int i = 0; i <= padLength; i++) {
      buf[padStart + i] = (byte) padLength;
    }
    byte[] iv = new byte[IV];
    random.nextBytes(iv);
    System.arraycopy(iv, 0, buf, offset, IV);
    int encrypted = body + padLength;
    cipher.process(iv, 0, buf, content, encrypted);
    return IV + encrypted;
  }

  @Override
  public int open(int type, byte[] buf, int offset, int fragmentLength) throws TlcpAlertException {
    long seq = nextSequence();
    // Public facts only: the length is on the wire.
    if (fragmentLength < IV + 3 * IV || fragmentLength % IV != 0) {
      throw new TlcpAlertException(Alert.BAD_RECORD_MAC, "CBC record has an impossible length");
    }
    int p = offset + IV;
    int plen = fragmentLength - IV;
    cipher.process(buf, offset, buf, p, plen);

    int padLength = buf[p + plen - 1] & 0xff;
    // good = -1 while padding_length + 1 + MAC fits and every padding byte equals padding_length
    int good = lessOrEqualMask(padLength + 1 + MAC, plen);
    int window = Math.min(256, plen);
    for (int i = 0; i < window; i++) {
      int inPadding = lessOrEqualMask(i, padLength);
      int b = buf[p + plen - 1 - i] & 0xff;
      good &= ~inPadding | equalMask(b, padLength);
    }
    padLength &= good;
    int contentLength = plen - MAC - 1 - padLength;

    writePseudoHeader(header, seq, type, contentLength);
    mac.update(header);
    mac.update(buf, p, contentLength);
    byte[] expected = mac.doFinal();
    int diff = 0;
    for (int i = 0; i < MAC; i++) {
      diff |= (expected[i] ^ buf[p + contentLength + i]) & 0xff;
    }
    good &= equalMask(diff, 0);
    if (good == 0) {
      throw new TlcpAlertException(Alert.BAD_RECORD_MAC, "record MAC or padding check failed");
    }
    return contentLength;
  }

  /** -1 if a <= b, else 0; a and b in [0, 2^30). */
  private static int lessOrEqualMask(int a, int b) {
    return (a - b - 1) >> 31;
  }

  /** -1 if a == b, else 0; a and b in [0, 2^30). */
  private static int equalMask(int a, int b) {
    return ((a ^ b) - 1) >> 31;
  }
}
