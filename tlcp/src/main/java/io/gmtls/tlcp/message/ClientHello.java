package io.gmtls.tlcp.message;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import java.util.List;
import org.bouncycastle.util.encoders.Hex;

/**
 * GB/T 38636-2020 clause 6.4.5.2.2:
 * <pre>
 * struct {
 *   ProtocolVersion client_version;                      -- {1, 1}
 *   Random random;                                       -- 32 bytes
 *   SessionID session_id;                                -- opaque &lt;0..32&gt;
 *   CipherSuite cipher_suites&lt;2..2^16-1&gt;;
 *   CompressionMethod compression_methods&lt;1..2^8-1&gt;;
 *   Extension extensions&lt;0..2^16-1&gt;;                  -- optional
 * } ClientHello;
 * </pre>
 */
public final class ClientHello implements HandshakeMessage {

  private final int version;
  private final byte[] random;
  private final byte[] sessionId;
  private final int[] cipherSuites;
  private final byte[] compressionMethods;
  private final List<Extension> extensions;

  public ClientHello(int version, byte[] random, byte[] sessionId, int[] cipherSuites,
      byte[] compressionMethods, List<Extension> extensions) {
    this.version = version;
    this.random = random.clone();
    this.sessionId = sessionId.clone();
    this.cipherSuites = cipherSuites.clone();
    this.compressionMethods = compressionMethods.clone();
    this.extensions = List.copyOf(extensions);
  }

  /** Parses a ClientHello body. */
  public static ClientHello parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "ClientHello");
    int version = r.u16();
    byte[] random = r.bytes(32);
    byte[] sessionId = r.vector8(0);
    if (sessionId.length > 32) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "ClientHello session_id longer than 32");
    }
    byte[] suites = r.vector16(2);
    if (suites.length % 2 != 0) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, "ClientHello cipher_suites has odd length");
    }
    int[] ids = new int[suites.length / 2];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ((suites[2 * i] & 0xff) << 8) | (suites[2 * i + 1] & 0xff);
    }
    byte[] compression = r.vector8(1);
    List<Extension> extensions = Extension.readAll(r, "ClientHello");
    r.expectEnd();
    return new ClientHello(version, random, sessionId, ids, compression, extensions);
  }

  @Override
  public int type() {
    return HandshakeType.CLIENT_HELLO;
  }

  @Override
  public byte[] body() {
    MessageWriter w = new MessageWriter(64 + 2 * cipherSuites.length);
    w.u16(version).bytes(random).vector8(sessionId).u16(2 * cipherSuites.length);
    for (int id : cipherSuites) {
      w.u16(id);
    }
    w.vector8(compressionMethods);
    Extension.writeAll(w, extensions);
    return w.toByteArray();
  }

  public int version() {
    return version;
  }

  public byte[] random() {
    return random.clone();
  }

  public byte[] sessionId() {
    return sessionId.clone();
  }

  public int[] cipherSuites() {
    return cipherSuites.clone();
  }

  public byte[] compressionMethods() {
    return compressionMethods.clone();
  }

  public List<Extension> extensions() {
    return extensions;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("ClientHello[version=").append(Integer.toHexString(version))
        .append(", random=").append(Hex.toHexString(random))
        .append(", session_id=").append(Hex.toHexString(sessionId)).append(", cipher_suites=");
    for (int id : cipherSuites) {
      s.append(Integer.toHexString(id)).append(' ');
    }
    return s.append(", extensions=").append(extensions).append(']').toString();
  }
}
