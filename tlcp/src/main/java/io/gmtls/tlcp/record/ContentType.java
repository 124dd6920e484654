package io.gmtls.tlcp.record;

/** TLCP record content types and record-layer constants (GB/T 38636-2020 clause 6.3.3). */
public final class ContentType {

  public static final int CHANGE_CIPHER_SPEC = 20;
  public static final int ALERT = 21;
  public static final int HANDSHAKE = 22;
  public static final int APPLICATION_DATA = 23;

  /** The only protocol version: TLCP 1.1 = {1, 1}. */
  public static final int VERSION = 0x0101;
  /** Record header: type (1), version (2), length (2). */
  public static final int HEADER = 5;
  /** TLCPPlaintext.length limit, 2^14. */
  public static final int MAX_PLAINTEXT = 1 << 14;
  /** TLCPCiphertext.length limit, 2^14 + 2048. */
  public static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;
  /** Largest record on the wire this engine accepts. */
  public static final int MAX_RECORD = HEADER + MAX_CIPHERTEXT;
  /**
   * Largest record this engine writes: 2^14 bytes sealed with SM4-CBC (16-byte IV, 32-byte
   * HMAC, 1 to 16 bytes of padding: 2^14 + 64), the larger of its two protections (GCM adds 24).
   * It is what the session reports as its packet buffer size: Netty's SslHandler allocates a
   * buffer of that size for every wrap, and at 2^14 + 2048 + 5 (the largest record a peer may
   * send) that was above its pooled allocator's largest size class (16,896 bytes), so every
   * handshake flight and every record written took a new, zeroed 18 KB array.
   */
  public static final int MAX_WRITTEN_RECORD = HEADER + MAX_PLAINTEXT + 64;

  private ContentType() {
  }

  /** True for the four content types the standard defines. */
  public static boolean isKnown(int type) {
    return type >= CHANGE_CIPHER_SPEC && type <= APPLICATION_DATA;
  }
}
