package io.gmtls.tlcp.record;

import io.gmtls.tlcp.TlcpAlertException;

/**
 * The protection of one direction of a connection: null before the first ChangeCipherSpec, then
 * SM4-CBC + HMAC-SM3 or SM4-GCM. Holds that direction's sequence number. Works in place on a
 * record buffer: {@code [fragment = prefix | plaintext | room for MAC, padding, tag]}.
 */
public abstract class RecordProtection {

  private long sequence;

  /** Bytes put in front of the plaintext inside the fragment (explicit IV or nonce). */
  public abstract int prefix();

  /** Fragment length for a plaintext of {@code plaintextLength} bytes. */
  public abstract int sealedLength(int plaintextLength);

  /** The largest plaintext a fragment of {@code fragmentLength} bytes can hold. */
  public abstract int maxPlaintext(int fragmentLength);

  /**
   * Protects the plaintext found at {@code buf[offset + prefix()]}, writing the fragment from
   * {@code buf[offset]}; {@code buf} must have {@link #sealedLength} bytes from {@code offset}.
   *
   * @return the fragment length
   */
  public abstract int seal(int type, byte[] buf, int offset, int plaintextLength);

  /**
   * Checks and decrypts the fragment at {@code buf[offset]}, leaving the plaintext at
   * {@code buf[offset + prefix()]}.
   *
   * @return the plaintext length
   * @throws TlcpAlertException bad_record_mac for any fragment that does not authenticate
   */
  public abstract int open(int type, byte[] buf, int offset, int fragmentLength)
      throws TlcpAlertException;

  /** Returns the sequence number for this record and advances it. */
  protected final long nextSequence() {
    long s = sequence;
    if (s == -1L) {
      // 2^64 records: the standard forbids wrapping; unreachable in practice.
      throw new IllegalStateException("record sequence number exhausted");
    }
    sequence = s + 1;
    return s;
  }

  /** seq_num || type || version || length, the 13 bytes MAC and AAD start with. */
  protected static void writePseudoHeader(byte[] out, long seq, int type, int length) {
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) seq;
      seq >>>= 8;
    }
    out[8] = (byte) type;
    out[9] = (byte) (ContentType.VERSION >>> 8);
    out[10] = (byte) ContentType.VERSION;
    out[11] = (byte) (length >>> 8);
    out[12] = (byte) length;
  }

  /** No protection: the state before the first ChangeCipherSpec. */
  public static RecordProtection none() {
    return new RecordProtection() {
      @Override
      public int prefix() {
        return 0;
      }

      @Override
      public int sealedLength(int plaintextLength) {
        return plaintextLength;
      }

      @Override
      public int maxPlaintext(int fragmentLength) {
        return fragmentLength;
      }

      @Override
      public int seal(int type, byte[] buf, int offset, int plaintextLength) {
        nextSequence();
        return plaintextLength;
      }

      @Override
      public int open(int type, byte[] buf, int offset, int fragmentLength) {
        nextSequence();
        return fragmentLength;
      }
    };
  }
}
