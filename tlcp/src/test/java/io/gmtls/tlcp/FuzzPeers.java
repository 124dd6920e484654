package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The engines the fuzz targets attack, built once per JVM from the interop PKI (so the recorded
 * Tongsuo flights in the seed corpus verify): one server and one client context per suite, all
 * on one deterministic {@link FuzzRandom} and a clock fixed inside the certificates' validity,
 * with session caches off — nothing carries over from one input to the next.
 */
final class FuzzPeers {

  /** Transcript files, index = the suite index a control byte selects (bits 0-1). */
  static final List<String> TRANSCRIPTS = List.of("ecc_sm4_cbc_sm3.json", "ecc_sm4_gcm_sm3.json",
      "ecdhe_sm4_cbc_sm3.json", "ecdhe_sm4_gcm_sm3.json");
  static final List<TlcpCipherSuite> SUITES = List.of(TlcpCipherSuite.ECC_SM4_CBC_SM3,
      TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECDHE_SM4_CBC_SM3, TlcpCipherSuite.ECDHE_SM4_GCM_SM3);

  static final FuzzRandom RANDOM = new FuzzRandom();
  static final TlcpContext[] SERVERS = new TlcpContext[4];
  static final TlcpContext[] CLIENTS = new TlcpContext[4];
  /** The recorded ClientHello record of each transcript. */
  static final byte[][] CLIENT_HELLO_RECORDS = new byte[4][];
  /** The recorded client_random of each transcript (replayed by the client targets). */
  static final byte[][] CLIENT_RANDOMS = new byte[4][];

  static {
    try {
      Clock clock = Clock.fixed(Interop.cert("server_sign.crt").getNotBefore().toInstant()
          .plus(Duration.ofDays(1)), ZoneOffset.UTC);
      BcTlcpCrypto crypto = new BcTlcpCrypto(RANDOM);
      TicketKeySet tickets = TicketKeySet.generate();
      for (int i = 0; i < 4; i++) {
        List<TlcpCipherSuite> suite = List.of(SUITES.get(i));
        SERVERS[i] = Interop.context(true).crypto(crypto).clock(clock).cipherSuites(suite)
            .clientAuth(ClientAuth.REQUIRED).sessionCacheSize(0).ticketKeys(tickets).build();
        CLIENTS[i] = Interop.context(false).crypto(crypto).clock(clock).cipherSuites(suite)
            .sessionCacheSize(0).build();
        var json = Interop.json(TRANSCRIPTS.get(i));
        byte[] c2s = Interop.hex(json.get("client_to_server_hex"));
        int len = ((c2s[3] & 0xff) << 8) | (c2s[4] & 0xff);
        CLIENT_HELLO_RECORDS[i] = Arrays.copyOf(c2s, 5 + len);
        CLIENT_RANDOMS[i] = Interop.hex(json.get("keylog").get("client_random"));
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private FuzzPeers() {
  }
}
