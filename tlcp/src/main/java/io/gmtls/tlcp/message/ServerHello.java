package io.gmtls.tlcp.message;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import java.util.List;
import org.bouncycastle.util.encoders.Hex;

/**
 * GB/T 38636-2020 clause 6.4.5.2.3:
 * <pre>
 * struct {
 *   ProtocolVersion server_version;
 *   Random random;
 *   SessionID session_id;
 *   CipherSuite cipher_suite;
 *   CompressionMethod compression_method;
 *   Extension extensions&lt;0..2^16-1&gt;;                  -- optional
 * } ServerHello;
 * </pre>
 */
public final class ServerHello implements HandshakeMessage {

  private final int version;
  private final byte[] random;
  private final byte[] sessionId;
  private final int cipherSuite;
  private final int compressionMethod;
  private final List<Extension> extensions;

  public ServerHello(int version, byte[] random, byte[] sessionId, int cipherSuite,
      int compressionMethod, List<Extension> extensions) {
    this.version = version;
    this.random = random.clone();
    this.sessionId = sessionId.clone();
    this.cipherSuite = cipherSuite;
    this.compressionMethod = compressionMethod;
    this.extensions = List.copyOf(extensions);
  }

  /** Parses a ServerHello body. */
  public static ServerHello parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "ServerHello");
    int version = r.u16();
    byte[] random = r.bytes(32);
    byte[] sessionId = r.vector8(0);
    if (sessionId.length > 32) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "ServerHello session_id longer than 32");
    }
    int suite = r.u16();
    int compression = r.u8();
    List<Extension> extensions = Extension.readAll(r, "ServerHello");
    r.expectEnd();
    return new ServerHello(version, random, sessionId, suite, compression, extensions);
  }

  @Override
  public int type() {
    return HandshakeType.SERVER_HELLO;
  }

  @Override
  public byte[] body() {
    MessageWriter w = new MessageWriter(80);
    w.u16(version).bytes(random).vector8(sessionId).u16(cipherSuite).u8(compressionMethod);
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

  public int cipherSuite() {
    return cipherSuite;
  }

  public int compressionMethod() {
    return compressionMethod;
  }

  public List<Extension> extensions() {
    return extensions;
  }

  @Override
  public String toString() {
    return "ServerHello[version=" + Integer.toHexString(version) + ", random=" + Hex.toHexString(random)
        + ", session_id=" + Hex.toHexString(sessionId) + ", cipher_suite="
        + Integer.toHexString(cipherSuite) + ", extensions=" + extensions + "]";
  }
}
