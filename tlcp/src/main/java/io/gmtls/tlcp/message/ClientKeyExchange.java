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
 */
public final class ClientKeyExchange implements HandshakeMessage {

  private final KeyExchange kind;
  private final byte[] value;

  /** {@code value} is the SM2 ciphertext (ECC) or the uncompressed ephemeral point (ECDHE). */
  public ClientKeyExchange(KeyExchange kind, byte[] value) {
    this.kind = kind;
    this.value = value.clone();
  }

  /** Parses a ClientKeyExchange body of the given key exchange. */
  public static ClientKeyExchange parse(byte[] body, KeyExchange kind) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "ClientKeyExchange");
    byte[] value = kind == KeyExchange.ECDHE ? EcdhParams.read(r) : r.vector16(1);
    r.expectEnd();
    return new ClientKeyExchange(kind, value);
  }

  @Override
  public int type() {
    return HandshakeType.CLIENT_KEY_EXCHANGE;
  }

  @Override
  public byte[] body() {
    return kind == KeyExchange.ECDHE ? EcdhParams.encode(value)
        : new MessageWriter(2 + value.length).vector16(value).toByteArray();
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
