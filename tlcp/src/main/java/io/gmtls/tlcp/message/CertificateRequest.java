package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;
import java.util.ArrayList;
import java.util.List;

/**
 * GB/T 38636-2020 clause 6.4.5.5 (no signature_algorithms field, unlike TLS 1.2):
 * <pre>
 * enum { rsa_sign(1), ecdsa_sign(64), ibc_params(80), (255) } ClientCertificateType;
 * opaque DistinguishedName&lt;1..2^16-1&gt;;
 * struct {
 *   ClientCertificateType certificate_types&lt;1..2^8-1&gt;;
 *   DistinguishedName certificate_authorities&lt;0..2^16-1&gt;;
 * } CertificateRequest;
 * </pre>
 */
public final class CertificateRequest implements HandshakeMessage {

  public static final int RSA_SIGN = 1;
  public static final int ECDSA_SIGN = 64;

  private final byte[] certificateTypes;
  private final List<byte[]> authorities;

  public CertificateRequest(byte[] certificateTypes, List<byte[]> authorities) {
    this.certificateTypes = certificateTypes.clone();
    this.authorities = List.copyOf(authorities);
  }

  /** Parses a CertificateRequest body. */
  public static CertificateRequest parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "CertificateRequest");
    byte[] types = r.vector8(1);
    MessageReader names = new MessageReader(r.vector16(0), "CertificateRequest authorities");
    r.expectEnd();
    List<byte[]> list = new ArrayList<>();
    while (names.remaining() > 0) {
      list.add(names.vector16(1));
    }
    return new CertificateRequest(types, list);
  }

  @Override
  public int type() {
    return HandshakeType.CERTIFICATE_REQUEST;
  }

  @Override
  public byte[] body() {
    MessageWriter names = new MessageWriter(256);
    for (byte[] n : authorities) {
      names.vector16(n);
    }
    return new MessageWriter(8 + names.length()).vector8(certificateTypes)
        .vector16(names.toByteArray()).toByteArray();
  }

  /** DER-encoded distinguished names of acceptable CAs. */
  public List<byte[]> authorities() {
    return authorities;
  }

  @Override
  public String toString() {
    return "CertificateRequest[types=" + certificateTypes.length + ", authorities=" + authorities.size() + "]";
  }
}
