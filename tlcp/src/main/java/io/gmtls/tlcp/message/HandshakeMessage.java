package io.gmtls.tlcp.message;

/**
 * A handshake message (GB/T 38636-2020 clause 6.4.5.1):
 * <pre>
 * struct {
 *   HandshakeType msg_type;
 *   uint24 length;
 *   select (msg_type) { ... } body;
 * } Handshake;
 * </pre>
 */
public interface HandshakeMessage {

  /** The HandshakeType. */
  int type();

  /** The encoded body (without the 4-byte header). */
  byte[] body();

  /** The body length. */
  default int length() {
    return body().length;
  }

  /** Header and body, as the message goes into records and the transcript hash. */
  default byte[] encode() {
    byte[] body = body();
    return new MessageWriter(HandshakeType.HEADER + body.length)
        .u8(type()).vector24(body).toByteArray();
  }
}
