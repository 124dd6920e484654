package io.gmtls.tlcp;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A JSSE provider with one service, {@code SSLContext.TLCP} (alias {@code TLCPv1.1}), so code
 * written against {@link SSLContext} — Netty's {@code JdkSslContext}, HTTP clients, anything that
 * takes an SSLContext, SSLEngine or SSLSocketFactory — speaks TLCP without knowing it:
 *
 * <pre>{@code
 * SSLContext ctx = SSLContext.getInstance("TLCP", new TlcpProvider());
 * ctx.init(new KeyManager[] {new TlcpKeyManager(signKey, signChain, encKey, encCert)},
 *     new TrustManager[] {trustManagerOver(rootCa)}, null);
 * SSLEngine engine = ctx.createSSLEngine("gateway.example.com", 8883);
 * }</pre>
 *
 * <p>{@code init(KeyManager[], TrustManager[], SecureRandom)}:
 * <ul>
 *   <li>TLCP needs two key pairs. A {@link TlcpKeyManager} names them explicitly. Any other
 *       {@code X509KeyManager} (e.g. from a {@code KeyManagerFactory} over a PKCS#12 store loaded
 *       with BouncyCastle) is searched for SM2 credentials and the role of each is read from its
 *       certificate's keyUsage: digitalSignature → signing, keyEncipherment / keyAgreement →
 *       encryption. Two candidates for one role are refused with a
 *       {@link java.security.KeyManagementException} — one identity per context. No key manager
 *       (or none with an SM2 credential): a client that does not authenticate.
 *   <li>Trust anchors are the SM2 certificates among the trust managers'
 *       {@code getAcceptedIssuers()}; other certificates (the JDK's RSA/ECDSA roots) are
 *       ignored, and {@code checkServerTrusted}/{@code checkClientTrusted} are not called — the
 *       engine verifies the SM2 chain itself. Null: no anchors (a client then refuses every
 *       server with unknown_ca; a server can only run without client authentication).
 *   <li>The random (optional) feeds every nonce, key and IV.
 * </ul>
 * Everything else has the {@link TlcpContext.Builder} defaults (session cache 20000 entries / 2 h,
 * no tickets, host name verification on); per-engine settings go through the SSLEngine
 * (client mode, {@code setNeedClientAuth}/{@code setWantClientAuth}, enabled suites).
 * {@link TlcpContext#asSslContext()} gives an SSLContext over a fully configured context instead.
 *
 * <p>Engines from {@code createSSLEngine()} start in client mode (set server mode before the
 * handshake). Socket factories give blocking {@link javax.net.ssl.SSLSocket}s over the same
 * engine. The provider is not meant to be installed with {@code Security.addProvider}: pass the
 * instance to {@code SSLContext.getInstance}.
 */
public final class TlcpProvider extends Provider {

  private static final long serialVersionUID = 1L;

  /** The provider name. */
  public static final String NAME = "GmTlcp";
  /** The SSLContext protocol name. */
  public static final String PROTOCOL = "TLCP";

  public TlcpProvider() {
    super(NAME, "1.1", "TLCP 1.1 (GB/T 38636-2020) SSLContext on BouncyCastle SM2/SM3/SM4");
    putService(new ContextService(this));
  }

  /** Makes the SPI directly: it is package-private, so reflection could not. */
  private static final class ContextService extends Service {
    ContextService(Provider p) {
      super(p, "SSLContext", PROTOCOL, TlcpSslContextSpi.class.getName(),
          List.of(TlcpSession.PROTOCOL), Map.of());
    }

    @Override
    public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
      return new TlcpSslContextSpi(null);
    }
  }

  /** An initialized SSLContext over {@code context} (what {@link TlcpContext#asSslContext()} returns). */
  static SSLContext sslContext(TlcpContext context) {
    return new SSLContext(new TlcpSslContextSpi(context), new TlcpProvider(), PROTOCOL) {
    };
  }

  @Override
  public String toString() {
    return NAME + " " + getVersionStr();
  }
}
