package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.security.InvalidKeyException;

/**
 * ECDHE key exchange (GB/T 38636-2020 clause 6.4.5.4 / 6.4.5.8): the SM2 key exchange protocol of
 * GB/T 32918.3 with each side's static <em>encryption</em> key and an ephemeral key; the 48-byte
 * output is the pre-master secret. The server is the initiator (user A), the client the responder
 * (user B), both with the default user ID (as Tongsuo does). One instance per handshake: it holds
 * this side's ephemeral key until the peer's point arrives.
 */
public final class EcdheKeyExchange {

  private final TlcpCrypto crypto;
  private final boolean server;
  private final Sm2EphemeralKey ephemeral;

  public EcdheKeyExchange(TlcpCrypto crypto, boolean server) {
    this.crypto = crypto;
    this.server = server;
    this.ephemeral = crypto.sm2GenerateEphemeral();
  }

  /** This side's ephemeral point, uncompressed. */
  public byte[] point() {
    return ephemeral.encodedPoint();
  }

  /** The pre-master secret. */
  public byte[] preMasterSecret(Sm2PrivateKey ownEncryptionKey, Sm2PublicKey peerEncryptionKey,
      byte[] peerPoint) throws TlcpAlertException {
    try {
      return crypto.sm2KeyExchange(EccKeyExchange.PRE_MASTER_LENGTH, server, ownEncryptionKey,
          ephemeral, peerEncryptionKey, peerPoint);
    } catch (InvalidKeyException e) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "peer's ECDHE point is invalid", e);
    }
  }
}
