package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.TlcpCipherSuite.KeyExchange;
import org.bouncycastle.util.encoders.Hex;

/**
 * GB/T 38636-2020 clause 6.4.5.4:
 * <pre>
 * ECC:   struct { digitally-signed struct {
 *                   opaque client_random[32]; opaque server_random[32];
 *                   opaque ASN.1Cert&lt;1..2^24-1&gt;;            -- the server's encryption certificate
 *                 } signed_params; } ServerKeyExchange;
 * ECDHE: struct { ServerECDHParams params;
 *                 digitally-signed struct {
 *                   opaque client_random[32]; opaque server_random[32]; ServerECDHParams params;
 *                 } signed_params; } ServerKeyExchange;
 * digitally-signed = opaque signature&lt;0..2^16-1&gt; (SM2-with-SM3, DER, by the signing key)
 * </pre>
 */
public final class ServerKeyExchange implements HandshakeMessage {

  private final byte[] ecdhPoint;
  private final byte[] signature;

  /** {@code ecdhPoint} is null for ECC suites. */
  public ServerKeyExchange(byte[] ecdhPoint, byte[] signature) {
    this.ecdhPoint = ecdhPoint == null ? null : ecdhPoint.clone();
    this.signature = signature.clone();
  }

  /** Parses a ServerKeyExchange body of the given key exchange. */
  public static ServerKeyExchange parse(byte[] body, KeyExchange kind) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "ServerKeyExchange");
    byte[] point = kind == KeyExchange.ECDHE ? EcdhParams.read(r) : null;
    byte[] signature = r.vector16(1);
    r.expectEnd();
    return new ServerKeyExchange(point, signature);
  }

  /** The bytes the signature covers. */
  public static byte[] signedData(byte[] clientRandom, byte[] serverRandom, byte[] params) {
    return new MessageWriter(64 + params.length).bytes(clientRandom).bytes(serverRandom)
        .bytes(params).toByteArray();
  }

  /** ECC: the signed "params" are the length-prefixed encryption certificate. */
  public static byte[] eccParams(byte[] encryptionCertificate) {
    return new MessageWriter(3 + encryptionCertificate.length).vector24(encryptionCertificate)
        .toByteArray();
  }

  @Override
  public int type() {
    return HandshakeType.SERVER_KEY_EXCHANGE;
  }

  @Override
  public byte[] body() {
    MessageWriter w = new MessageWriter(160);
    if (ecdhPoint != null) {
      w.bytes(EcdhParams.encode(ecdhPoint));
    }
    return w.vector16(signature).toByteArray();
  }

  /** The server's ephemeral point (ECDHE), or null (ECC). */
  public byte[] ecdhPoint() {
    return ecdhPoint == null ? null : ecdhPoint.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public String toString() {
    return "ServerKeyExchange[" + (ecdhPoint == null ? "ECC" : "ECDHE point=" + Hex.toHexString(ecdhPoint))
        + ", signature=" + Hex.toHexString(signature) + "]";
  }
}
