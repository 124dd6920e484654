package io.gmtls.tlcp.bench;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import java.util.List;

/**
 * The development PKI (root → issuing CA → gateway / vehicle certificates; both CAs are trust
 * anchors, so each leaf costs one signature verification) and contexts over it.
 */
final class BenchPki {

  static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

  private BenchPki() {
  }

  /** Gateway: client authentication required, one suite, session cache of the given size. */
  static TlcpContext server(TlcpCipherSuite suite, int cacheSize) {
    return server(suite, cacheSize, true);
  }

  /** As above; {@code chainCache} false makes every handshake verify the client's chain. */
  static TlcpContext server(TlcpCipherSuite suite, int cacheSize, boolean chainCache) {
    return TlcpContext.builder()
        .signing(PKI.gatewaySign().privateKey(), PKI.gatewaySign().chain())
        .encryption(PKI.gatewayEnc().privateKey(), PKI.gatewayEnc().certificate())
        .trustAnchors(PKI.sm2Trust()).clientAuth(ClientAuth.REQUIRED)
        .cipherSuites(List.of(suite)).sessionCacheSize(cacheSize)
        .certificateCacheSize(chainCache ? 10_000 : 0).build();
  }

  /** Vehicle with signing and encryption certificates. */
  static TlcpContext client(TlcpCipherSuite suite, int cacheSize) {
    Vehicle v = PKI.vehicles().get(0);
    return TlcpContext.builder()
        .signing(v.sign().privateKey(), v.sign().chain())
        .encryption(v.enc().privateKey(), v.enc().certificate())
        .trustAnchors(PKI.sm2Trust()).cipherSuites(List.of(suite)).sessionCacheSize(cacheSize).build();
  }
}
