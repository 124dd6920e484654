package io.gmtls.tlcp.record;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.Sm4Cbc;
import java.security.SecureRandom;
import java.util.Arrays;

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
 * <p>Decryption is constant-time with respect to the padding (the Lucky Thirteen defence of
 * OpenSSL's {@code ssl3_cbc_digest_record} and BouncyCastle's {@code TlsSuiteHMac}):
 * <ul>
 *   <li>the padding is checked over a fixed 256-byte window with masks, never branching on it;
 *   <li>the MAC is always computed — over the content a zero-length padding would leave when the
 *       padding is bad — and then SM3 is fed dummy blocks so that every record of a given length
 *       costs the same number of SM3 compression-function calls, whatever its padding length;
 *   <li>the received MAC, whose position depends on the padding, is copied out by scanning every
 *       position it can occupy and rotating it into place with masks;
 *   <li>MAC and padding verdicts are combined without branching, and every failure is the one
 *       alert bad_record_mac.
 * </ul>
 */
public final class CbcProtection extends RecordProtection {

  private static final int IV = Sm4Cbc.BLOCK;
  private static final int MAC = HmacSm3.LENGTH;

  private final Sm4Cbc cipher;
  private final HmacSm3 mac;
  private final SecureRandom random;
  private final byte[] header = new byte[13];
  private final byte[] expected = new byte[MAC];
  private final byte[] rotated = new byte[MAC];
  private final byte[] dummy = new byte[HmacSm3.BLOCK];

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
    int maxContent = plen - MAC - 1;
    int contentLength = maxContent - padLength;

    writePseudoHeader(header, seq, type, contentLength);
    mac.update(header);
    mac.update(buf, p, contentLength);
    mac.doFinal(expected, 0);
    // Make up the compression-function calls the padding saved: the total is that of a record
    // with no padding at all. One more byte covers digests that compress a full block lazily.
    int extra = innerHashBlocks(maxContent) - innerHashBlocks(contentLength);
    for (int i = 0; i < extra; i++) {
      mac.update(dummy, 0, HmacSm3.BLOCK);
    }
    mac.update(dummy, 0, 1);
    mac.reset();

    good &= equalMask(receivedMacDiff(buf, p, plen, contentLength), 0);
    if (good == 0) {
      throw new TlcpAlertException(Alert.BAD_RECORD_MAC, "record MAC or padding check failed");
    }
    return contentLength;
  }

  /**
   * SM3 compression-function calls of the inner HMAC hash for {@code contentLength} bytes of
   * content: ipad block (64) + pseudo-header (13) + content, plus 0x80 and the 8-byte length.
   */
  static int innerHashBlocks(int contentLength) {
    int hashed = HmacSm3.BLOCK + 13 + contentLength;
    return (hashed + 9 + HmacSm3.BLOCK - 1) / HmacSm3.BLOCK;
  }

  /**
   * OR of the differences between {@link #expected} and the MAC received at
   * {@code buf[p + macStart]}. {@code macStart} depends on the padding, so the MAC is gathered by
   * a scan over every position it can start at (the last 288 bytes, a public bound) into a
   * rotated copy, then rotated back with masks — no memory access depends on it.
   */
  private int receivedMacDiff(byte[] buf, int p, int plen, int macStart) {
    Arrays.fill(rotated, (byte) 0);
    int scanStart = Math.max(0, plen - MAC - 1 - 255);
    int macEnd = macStart + MAC;
    int inMac = 0;
    int rotateOffset = 0;
    for (int i = scanStart, j = 0; i < plen - 1; i++, j = (j + 1) & (MAC - 1)) {
      int started = equalMask(i, macStart);
      inMac = (inMac | started) & lessMask(i, macEnd);
      rotateOffset |= j & started;
      rotated[j] |= (byte) (buf[p + i] & inMac);
    }
    int diff = 0;
    for (int k = 0; k < MAC; k++) {
      int source = (rotateOffset + k) & (MAC - 1);
      int b = 0;
      for (int i = 0; i < MAC; i++) {
        b |= rotated[i] & equalMask(i, source);
      }
      diff |= (b ^ expected[k]) & 0xff;
    }
    return diff;
  }

  /** -1 if a < b, else 0; a and b in [0, 2^30). */
  private static int lessMask(int a, int b) {
    return (a - b) >> 31;
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
