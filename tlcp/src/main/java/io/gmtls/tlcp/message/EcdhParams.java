package io.gmtls.tlcp.message;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;

/**
 * The ECDHE point both key exchange messages carry (GB/T 38636-2020 clause 6.4.5.4, RFC 4492
 * layout):
 * <pre>
 * struct { ECCurveType curve_type; NamedCurve namedcurve; } ECParameters;  -- 3 (named_curve), 41 (SM2)
 * struct { opaque point &lt;1..2^8-1&gt;; } ECPoint;                           -- uncompressed, 65 bytes
 * struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * </pre>
 */
public final class EcdhParams {

  /** ECCurveType named_curve. */
  public static final int NAMED_CURVE = 3;
  /** NamedCurve value of sm2p256v1 (curveSM2, RFC 8998). */
  public static final int CURVE_SM2 = 41;
  private static final int POINT_LENGTH = 65;

  private EcdhParams() {
  }

  /** curve_type || namedcurve || point. */
  public static byte[] encode(byte[] point) {
    return new MessageWriter(4 + point.length).u8(NAMED_CURVE).u16(CURVE_SM2).vector8(point)
        .toByteArray();
  }

  /** Reads the params and returns the point, checking the curve and the point's form. */
  static byte[] read(MessageReader r) throws TlcpAlertException {
    int curveType = r.u8();
    int curve = r.u16();
    if (curveType != NAMED_CURVE || curve != CURVE_SM2) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE,
          "ECDHE parameters name curve type " + curveType + " / curve " + curve + ", not SM2");
    }
    byte[] point = r.vector8(1);
    if (point.length != POINT_LENGTH || point[0] != 0x04) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "ECDHE point is not an uncompressed SM2 point");
    }
    return point;
  }
}
