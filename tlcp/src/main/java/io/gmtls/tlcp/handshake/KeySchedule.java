package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.record.CbcProtection;
import io.gmtls.tlcp.record.GcmProtection;
import io.gmtls.tlcp.record.RecordProtection;
import java.util.Arrays;

/**
 * Secrets of GB/T 38636-2020 clause 6.5: master secret, key block, Finished verify_data.
 *
 * <pre>
 * master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]
 * key_block = PRF(master_secret, "key expansion", server_random + client_random)
 *   = client_write_MAC_secret | server_write_MAC_secret | client_write_key | server_write_key
 *     | client_write_IV | server_write_IV
 * </pre>
 * CBC suites: 32-byte MAC secrets, 16-byte keys, 16-byte IVs (derived but unused: records carry an
 * explicit IV). GCM suites: no MAC secrets, 16-byte keys, 4-byte implicit IVs.
 */
public final class KeySchedule {

  public static final int MASTER_SECRET_LENGTH = 48;

  private KeySchedule() {
  }

  /** The record protections of both directions of a connection. */
  public record Protections(RecordProtection clientWrite, RecordProtection serverWrite) {
  }

  public static byte[] masterSecret(TlcpCrypto crypto, byte[] preMasterSecret, byte[] clientRandom,
      byte[] serverRandom) {
    return Prf.compute(crypto, preMasterSecret, "master secret", clientRandom, serverRandom,
        MASTER_SECRET_LENGTH);
  }

  /**
   * Derives the key block and builds both directions' protections.
   *
   * @param masterMac HMAC-SM3 keyed with the master secret, not in the middle of a message
   */
  public static Protections protections(TlcpCrypto crypto, TlcpCipherSuite suite,
      HmacSm3 masterMac, byte[] clientRandom, byte[] serverRandom) {
    boolean cbc = suite.cipher() == TlcpCipherSuite.BulkCipher.SM4_CBC;
    int macLength = cbc ? 32 : 0;
    int keyLength = 16;
    int ivLength = cbc ? 16 : 4;
    byte[] block = Prf.compute(masterMac, "key expansion", serverRandom, clientRandom,
        2 * (macLength + keyLength + ivLength));
    int p = 0;
    byte[] clientMac = Arrays.copyOfRange(block, p, p += macLength);
    byte[] serverMac = Arrays.copyOfRange(block, p, p += macLength);
    byte[] clientKey = Arrays.copyOfRange(block, p, p += keyLength);
    byte[] serverKey = Arrays.copyOfRange(block, p, p += keyLength);
    byte[] clientIv = Arrays.copyOfRange(block, p, p += ivLength);
    byte[] serverIv = Arrays.copyOfRange(block, p, p + ivLength);
    Arrays.fill(block, (byte) 0);
    // Each direction needs both a sealing (sender) and an opening (receiver) instance; the
    // caller picks: a client seals with clientWrite, a server opens with clientWrite.
    return new Protections(new DirectionKeys(crypto, cbc, clientMac, clientKey, clientIv).protection(),
        new DirectionKeys(crypto, cbc, serverMac, serverKey, serverIv).protection());
  }

  private record DirectionKeys(TlcpCrypto crypto, boolean cbc, byte[] mac, byte[] key, byte[] iv) {
    RecordProtection protection() {
      return new DualProtection(crypto, cbc, mac, key, iv);
    }
  }

  /**
   * One direction's keys, building the sealing or the opening cipher on first use: a connection
   * uses each direction in one role only, so it pays for one cipher per direction.
   */
  private static final class DualProtection extends RecordProtection {
    private final TlcpCrypto crypto;
    private final boolean cbc;
    private byte[] mac;
    private byte[] key;
    private byte[] iv;
    private RecordProtection delegate;
    private boolean sealing;

    DualProtection(TlcpCrypto crypto, boolean cbc, byte[] mac, byte[] key, byte[] iv) {
      this.crypto = crypto;
      this.cbc = cbc;
      this.mac = mac;
      this.key = key;
      this.iv = iv;
    }

    private RecordProtection delegate(boolean forSealing) {
      if (delegate == null) {
        sealing = forSealing;
        delegate = cbc
            ? new CbcProtection(crypto.sm4Cbc(key, forSealing), crypto.hmacSm3(mac), crypto.random())
            : new GcmProtection(crypto.sm4Gcm(key, forSealing), iv);
        Arrays.fill(key, (byte) 0);
        Arrays.fill(mac, (byte) 0);
        key = null;
        mac = null;
        iv = null;
      } else if (sealing != forSealing) {
        throw new IllegalStateException("a record protection is used in one direction only");
      }
      return delegate;
    }

    @Override
    public int prefix() {
      return cbc ? 16 : 8;
    }

    @Override
    public int sealedLength(int plaintextLength) {
      return cbc ? 16 + (plaintextLength + 33 + 15) / 16 * 16 : 8 + plaintextLength + 16;
    }

    @Override
    public int maxPlaintext(int fragmentLength) {
      return Math.max(0, cbc ? fragmentLength - 49 : fragmentLength - 24);
    }

    @Override
    public int seal(int type, byte[] buf, int offset, int plaintextLength) {
      return delegate(true).seal(type, buf, offset, plaintextLength);
    }

    @Override
    public int open(int type, byte[] buf, int offset, int fragmentLength)
        throws io.gmtls.tlcp.TlcpAlertException {
      return delegate(false).open(type, buf, offset, fragmentLength);
    }
  }

  /**
   * verify_data = PRF(master_secret, label, SM3(handshake_messages))[0..11], with HMAC-SM3 keyed
   * with the master secret (not in the middle of a message): a handshake keys it once for all its
   * PRFs.
   */
  public static byte[] verifyData(HmacSm3 masterMac, boolean client, byte[] handshakeHash) {
    return Prf.compute(masterMac, client ? "client finished" : "server finished",
        handshakeHash, new byte[0], 12);
  }
}
