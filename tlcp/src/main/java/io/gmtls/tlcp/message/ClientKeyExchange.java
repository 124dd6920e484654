package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.TlcpCipherSuite.KeyExchange;

/**
 * GB/T 38636-2020 clause 6.4.5.8:
 * <pre>
 * struct {
 *   select (KeyExchangeAlgorithm) {
 *     case ECC:   opaque ECCEncryptedPreMasterSecret&lt;0..2^16-1&gt;;  -- SM2 ciphertext (DER) of
 *                                                                   -- { client_version; random[46] }
 *     case ECDHE: ClientECDHParams;                                 -- same layout as ServerECDHParams
 *   } exchange_keys;
 * } ClientKeyExchange;
 * </pre>
 * For ECDHE, Tongsuo sends the parameters as they are and GmSSL 3 wraps them in a uint16-length
 * vector; both are read (they differ in the first byte: curve type 3, or the length's high byte
 * 0), and {@link #lengthPrefixed()} tells which one came, so that it re-encodes the same.
 */
public final class ClientKeyExchange implements HandshakeMessage {

  private final KeyExchange kind;
  private final byte[] value;
  private final boolean lengthPrefixed;

  /** {@code value} is the SM2 ciphertext (ECC) or the uncompressed ephemeral point (ECDHE). */
  public ClientKeyExchange(KeyExchange kind, byte[] value) {
    this(kind, value, false);
  }

  /**
   * @param lengthPrefixed ECDHE only: wrap the parameters in a uint16-length vector (GmSSL's form)
   */
  public ClientKeyExchange(KeyExchange kind, byte[] value, boolean lengthPrefixed) {
    this.kind = kind;
    this.value = value.clone();
    this.lengthPrefixed = lengthPrefixed && kind == KeyExchange.ECDHE;
  }

  /** Parses a ClientKeyExchange body of the given key exchange. */
  public static ClientKeyExchange parse(byte[] body, KeyExchange kind) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "ClientKeyExchange");
    if (kind != KeyExchange.ECDHE) {
      byte[] value = r.vector16(1);
      r.expectEnd();
      return new ClientKeyExchange(kind, value);
    }
    boolean prefixed = body.length > 0 && (body[0] & 0xff) != EcdhParams.NAMED_CURVE;
    MessageReader params = prefixed ? new MessageReader(r.vector16(1), "ClientKeyExchange") : r;
    byte[] value = EcdhParams.read(params);
    params.expectEnd();
    r.expectEnd();
    return new ClientKeyExchange(kind, value, prefixed);
  }

  @Override
  public int type() {
    return HandshakeType.CLIENT_KEY_EXCHANGE;
  }

  @Override
  public byte[] body() {
    if (kind == KeyExchange.ECDHE) {
      byte[] params = EcdhParams.encode(value);
      return lengthPrefixed ? new MessageWriter(2 + params.length).vector16(params).toByteArray() : params;
    }
    return new MessageWriter(2 + value.length).vector16(value).toByteArray();
  }

  /** Whether the ECDHE parameters came (or go) in a uint16-length vector, GmSSL's form. */
  public boolean lengthPrefixed() {
    return lengthPrefixed;
  }

  /** ECC: the encrypted pre-master secret; ECDHE: the client's ephemeral point. */
  public byte[] value() {
    return value.clone();
  }

  @Override
  public String toString() {
    return "ClientKeyExchange[" + kind + ", " + value.length + " bytes]";
  }
}
