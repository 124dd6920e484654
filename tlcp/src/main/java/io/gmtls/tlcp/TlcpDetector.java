package io.gmtls.tlcp;

import io.gmtls.tlcp.record.ContentType;
import java.nio.ByteBuffer;

/**
 * Tells from the first bytes a client sends whether it speaks TLCP or TLS. The first record of
 * either is a handshake record (type 22); TLCP records carry version 0x0101, TLS records 0x03xx.
 * Reads without moving the buffer's position.
 */
public final class TlcpDetector {

  /** Bytes of a TLCP (and TLS) record header: content type (1), version (2), length (2). */
  public static final int RECORD_HEADER_LENGTH = ContentType.HEADER;
  /**
   * Largest length a TLCP record header may announce: TLCPCiphertext.length, 2^14 + 2048
   * (GB/T 38636-2020 6.3.3.3). The engine answers a larger one with record_overflow.
   */
  public static final int MAX_RECORD_LENGTH = ContentType.MAX_CIPHERTEXT;

  /** What the first bytes are. */
  public enum Detected {
    /** A TLCP handshake record (version 0x0101). */
    TLCP,
    /** A TLS/SSL 3 handshake record (version 0x0300..0x0304). */
    TLS,
    /** Neither: close the connection. */
    NOT_TLS,
    /** Fewer than the 5 header bytes so far, and nothing ruled out yet. */
    NEED_MORE
  }

  private TlcpDetector() {
  }

  /** Looks at {@code firstBytes} from its position to its limit. */
  public static Detected detect(ByteBuffer firstBytes) {
    int p = firstBytes.position();
    int n = firstBytes.remaining();
    if (n >= 1 && (firstBytes.get(p) & 0xff) != ContentType.HANDSHAKE) {
      return Detected.NOT_TLS;
    }
    Detected kind = null;
    if (n >= 2) {
      int major = firstBytes.get(p + 1) & 0xff;
      if (major != 1 && major != 3) {
        return Detected.NOT_TLS;
      }
    }
    if (n >= 3) {
      int major = firstBytes.get(p + 1) & 0xff;
      int minor = firstBytes.get(p + 2) & 0xff;
      if (major == 1 && minor == 1) {
        kind = Detected.TLCP;
      } else if (major == 3 && minor <= 4) {
        kind = Detected.TLS;
      } else {
        return Detected.NOT_TLS;
      }
    }
    if (n < 5) {
      return Detected.NEED_MORE;
    }
    int length = ((firstBytes.get(p + 3) & 0xff) << 8) | (firstBytes.get(p + 4) & 0xff);
    if (length == 0 || length > ContentType.MAX_CIPHERTEXT) {
      return Detected.NOT_TLS;
    }
    return kind;
  }
}
