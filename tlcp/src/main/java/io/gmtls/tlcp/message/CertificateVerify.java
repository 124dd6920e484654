package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;
import org.bouncycastle.util.encoders.Hex;

/**
 * GB/T 38636-2020 clause 6.4.5.9:
 * <pre>
 * struct { Signature signature; } CertificateVerify;     -- opaque &lt;0..2^16-1&gt;
 * signature = SM2-with-SM3(client signing key, SM3(handshake_messages))
 * </pre>
 * where handshake_messages are all handshake messages from ClientHello up to (not including) this
 * one.
 */
public final class CertificateVerify implements HandshakeMessage {

  private final byte[] signature;

  public CertificateVerify(byte[] signature) {
    this.signature = signature.clone();
  }

  /** Parses a CertificateVerify body. */
  public static CertificateVerify parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "CertificateVerify");
    byte[] signature = r.vector16(1);
    r.expectEnd();
    return new CertificateVerify(signature);
  }

  @Override
  public int type() {
    return HandshakeType.CERTIFICATE_VERIFY;
  }

  @Override
  public byte[] body() {
    return new MessageWriter(2 + signature.length).vector16(signature).toByteArray();
  }

  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public String toString() {
    return "CertificateVerify[" + Hex.toHexString(signature) + "]";
  }
}
