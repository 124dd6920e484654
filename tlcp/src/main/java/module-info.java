/**
 * TLCP 1.1 (GB/T 38636-2020) as a {@code javax.net.ssl.SSLEngine}, with a JSSE provider.
 *
 * <p>Exported: {@code io.gmtls.tlcp} (context and its builder, engine, session, provider and key
 * manager, cipher suites, alerts, the peer certificate and revocation hooks) and
 * {@code io.gmtls.tlcp.crypto} (the {@code TlcpCrypto} interface a faster SM2/SM3/SM4
 * implementation plugs into). The protocol itself — handshake, messages, records and the
 * BouncyCastle implementation of the primitives — stays inside the module.
 */
module io.gmtls.tlcp {
  requires org.bouncycastle.provider;

  exports io.gmtls.tlcp;
  exports io.gmtls.tlcp.crypto;
}
