package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;
import java.util.ArrayList;
import java.util.List;

/**
 * GB/T 38636-2020 clause 6.4.5.3:
 * <pre>
 * opaque ASN.1Cert&lt;1..2^24-1&gt;;
 * struct { ASN.1Cert certificate_list&lt;0..2^24-1&gt;; } Certificate;
 * </pre>
 * TLCP order: signing certificate, encryption certificate, then CA certificates (a client that
 * authenticates may send its signing certificate alone, as GmSSL 3 does for ECC suites).
 */
public final class CertificateMessage implements HandshakeMessage {

  private final List<byte[]> certificates;

  /** {@code certificates} are DER encodings; the list is kept, not copied (callers share them). */
  public CertificateMessage(List<byte[]> certificates) {
    this.certificates = List.copyOf(certificates);
  }

  /** Parses a Certificate body. */
  public static CertificateMessage parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "Certificate");
    MessageReader list = new MessageReader(r.vector24(0), "Certificate list");
    r.expectEnd();
    List<byte[]> certs = new ArrayList<>();
    while (list.remaining() > 0) {
      certs.add(list.vector24(1));
    }
    return new CertificateMessage(certs);
  }

  @Override
  public int type() {
    return HandshakeType.CERTIFICATE;
  }

  @Override
  public byte[] body() {
    int total = 0;
    for (byte[] c : certificates) {
      total += 3 + c.length;
    }
    MessageWriter w = new MessageWriter(3 + total).u24(total);
    for (byte[] c : certificates) {
      w.vector24(c);
    }
    return w.toByteArray();
  }

  /** The DER certificates in wire order (arrays shared, do not modify). */
  public List<byte[]> certificates() {
    return certificates;
  }

  @Override
  public String toString() {
    return "Certificate[" + certificates.size() + " certificates]";
  }
}
