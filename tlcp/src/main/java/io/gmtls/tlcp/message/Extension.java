package io.gmtls.tlcp.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import org.bouncycastle.util.encoders.Hex;

/**
 * A hello extension (RFC 5246 clause 7.4.1.4; GB/T 38636 allows them in the hellos):
 * <pre>
 * struct { ExtensionType extension_type; opaque extension_data&lt;0..2^16-1&gt;; } Extension;
 * </pre>
 */
public record Extension(int type, byte[] data) {

  /** RFC 5077 session_ticket. */
  public static final int SESSION_TICKET = 35;

  public Extension {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Reads {@code Extension extensions<0..2^16-1>}, which may be absent (end of body). */
  static List<Extension> readAll(MessageReader r, String message) throws TlcpAlertException {
    List<Extension> out = new ArrayList<>();
    if (r.remaining() == 0) {
      return out;
    }
    MessageReader list = new MessageReader(r.vector16(0), message + " extensions");
    Set<Integer> seen = new HashSet<>();
    while (list.remaining() > 0) {
      int type = list.u16();
      byte[] data = list.vector16(0);
      if (!seen.add(type)) {
        throw new TlcpAlertException(Alert.DECODE_ERROR, message + " repeats extension " + type);
      }
      out.add(new Extension(type, data));
    }
    return out;
  }

  static void writeAll(MessageWriter w, List<Extension> extensions) {
    if (extensions.isEmpty()) {
      return;
    }
    MessageWriter list = new MessageWriter(64);
    for (Extension e : extensions) {
      list.u16(e.type).vector16(e.data);
    }
    w.vector16(list.toByteArray());
  }

  /** The extension of that type, or null. */
  public static Extension find(List<Extension> extensions, int type) {
    for (Extension e : extensions) {
      if (e.type == type) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Extension[" + type + ", " + (data.length > 32 ? data.length + " bytes" : Hex.toHexString(data)) + "]";
  }
}
