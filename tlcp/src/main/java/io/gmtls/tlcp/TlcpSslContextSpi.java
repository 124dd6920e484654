package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.fast.TlcpCryptos;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/** The {@code SSLContext.TLCP} implementation of {@link TlcpProvider}, over one {@link TlcpContext}. */
final class TlcpSslContextSpi extends SSLContextSpi {

  private volatile TlcpContext context;

  /** {@code context} null until {@code init}. */
  TlcpSslContextSpi(TlcpContext context) {
    this.context = context;
  }

  @Override
  protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
      throws KeyManagementException {
    TlcpContext.Builder b = TlcpContext.builder();
    if (random != null) {
      b.crypto(TlcpCryptos.createDefault(random));
    }
    JsseConfig.applyKeyManagers(km, b);
    List<X509Certificate> anchors = JsseConfig.trustAnchors(tm);
    b.trustAnchors(anchors);
    if (anchors.isEmpty()) {
      // ECDHE suites verify the client's certificates, which needs anchors: without any, a server
      // offers the ECC suites only.
      b.cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECC_SM4_CBC_SM3));
    }
    try {
      context = b.build();
    } catch (IllegalArgumentException e) {
      throw new KeyManagementException(e.getMessage(), e);
    }
  }

  private TlcpContext context() {
    TlcpContext c = context;
    if (c == null) {
      throw new IllegalStateException("SSLContext.init has not been called");
    }
    return c;
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return context().newEngine(null, -1);
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return context().newEngine(host, port);
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return new TlcpSocketFactory(context());
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return new TlcpServerSocketFactory(context());
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return new TlcpSessionContext(context(), true);
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return new TlcpSessionContext(context(), false);
  }
}
