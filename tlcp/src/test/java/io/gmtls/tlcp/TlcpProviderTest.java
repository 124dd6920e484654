package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.Vehicle;
import java.security.KeyManagementException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The provider's rules for key and trust managers, engines and session contexts, in memory. */
class TlcpProviderTest {

  private static SSLContext tlcp() throws Exception {
    return SSLContext.getInstance("TLCP", new TlcpProvider());
  }

  @Test
  void servesTlcpUnderBothNames() throws Exception {
    TlcpProvider p = new TlcpProvider();
    assertThat(SSLContext.getInstance("TLCP", p).getProtocol()).isEqualTo("TLCP");
    assertThat(SSLContext.getInstance("TLCPv1.1", p).getProvider()).isSameAs(p);
    assertThatThrownBy(() -> tlcp().createSSLEngine()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("init");
  }

  @Test
  void keyUsageTellsSigningFromEncryptionAndAHandshakeRuns() throws Exception {
    SSLContext server = tlcp();
    server.init(JssePlumbing.keyManagersFromKeyStore(TestPki.PKI.gatewayEnc(), TestPki.PKI.gatewaySign()),
        JssePlumbing.trustManagers(TestPki.PKI.sm2Trust()), null);
    SSLContext client = tlcp();
    Vehicle v = TestPki.PKI.vehicles().get(0);
    client.init(JssePlumbing.keyManagersFromKeyStore(v.sign(), v.enc()),
        JssePlumbing.trustManagers(TestPki.PKI.sm2Trust()), null);

    SSLEngine serverEngine = server.createSSLEngine();
    serverEngine.setUseClientMode(false);
    serverEngine.setNeedClientAuth(true);
    EnginePair pair = new EnginePair(client.createSSLEngine("localhost", 443), serverEngine).handshake();
    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
    TlcpSession s = (TlcpSession) serverEngine.getSession();
    assertThat(s.signingCertificate()).isEqualTo(v.sign().certificate());
    assertThat(s.encryptionCertificate()).isEqualTo(v.enc().certificate());
    assertThat(((TlcpSession) pair.client.engine.getSession()).encryptionCertificate())
        .isEqualTo(TestPki.PKI.gatewayEnc().certificate());

    // The server session context shows the cached session and can be shrunk to nothing.
    SSLSessionContext sessions = server.getServerSessionContext();
    List<byte[]> ids = Collections.list(sessions.getIds());
    assertThat(ids).hasSize(1);
    assertThat(ids.get(0)).isEqualTo(s.getId());
    assertThat(sessions.getSession(ids.get(0)).getCipherSuite()).isEqualTo(s.getCipherSuite());
    assertThat(s.getSessionContext().getSessionCacheSize()).isEqualTo(20_000);
    sessions.setSessionTimeout(60);
    assertThat(sessions.getSessionTimeout()).isEqualTo(60);
    sessions.setSessionCacheSize(0);
    assertThat(Collections.list(sessions.getIds())).isEmpty();
    assertThat(client.getClientSessionContext().getIds().hasMoreElements()).isTrue();
  }

  @Test
  void twoSigningCredentialsAreRefusedNotGuessed() throws Exception {
    Vehicle a = TestPki.PKI.vehicles().get(0);
    Vehicle b = TestPki.PKI.vehicles().get(1);
    KeyManager[] kms = {JssePlumbing.keyManagersFromKeyStore(a.sign(), a.enc())[0],
        JssePlumbing.keyManagersFromKeyStore(b.sign(), b.enc())[0]};
    assertThatThrownBy(() -> tlcp().init(kms, null, null)).isInstanceOf(KeyManagementException.class)
        .hasMessageContaining("several signing credentials");
  }

  @Test
  void encryptionWithoutSigningIsRefused() throws Exception {
    Vehicle a = TestPki.PKI.vehicles().get(0);
    assertThatThrownBy(() -> tlcp().init(JssePlumbing.keyManagersFromKeyStore(a.enc()), null, null))
        .isInstanceOf(KeyManagementException.class).hasMessageContaining("no signing credential");
    assertThatThrownBy(() -> tlcp().init(JssePlumbing.keyManagersFromKeyStore(a.sign(), a.enc(), a.enc()), null, null))
        .isInstanceOf(KeyManagementException.class).hasMessageContaining("several encryption credentials");
  }

  @Test
  void theJdkRootsAreIgnoredAndAServerWithoutAnchorsOffersEccOnly() throws Exception {
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((java.security.KeyStore) null);
    assertThat(((X509TrustManager) jdk.getTrustManagers()[0]).getAcceptedIssuers()).isNotEmpty();
    assertThat(JsseConfig.trustAnchors(jdk.getTrustManagers())).isEmpty();

    SSLContext server = tlcp();
    server.init(new KeyManager[] {new TlcpKeyManager(TestPki.PKI.gatewaySign().privateKey(),
        TestPki.PKI.gatewaySign().chain(), TestPki.PKI.gatewayEnc().privateKey(),
        TestPki.PKI.gatewayEnc().certificate())}, jdk.getTrustManagers(), null);
    SSLEngine e = server.createSSLEngine();
    e.setUseClientMode(false);
    assertThat(e.getEnabledCipherSuites()).containsExactly("ECC_SM4_GCM_SM3", "ECC_SM4_CBC_SM3");

    // A client trusting only the JDK roots has no anchor for an SM2 server: unknown_ca.
    SSLContext client = tlcp();
    client.init(null, jdk.getTrustManagers(), null);
    EnginePair pair = new EnginePair(client.createSSLEngine("localhost", 443), e).handshake();
    assertThat(pair.client.raisedAlert()).isEqualTo(Alert.UNKNOWN_CA);
  }

  @Test
  void asSslContextKeepsTheContextsConfiguration() throws Exception {
    TlcpContext context = TestPki.server().clientAuth(ClientAuth.REQUIRED)
        .cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_CBC_SM3)).build();
    SSLContext ssl = context.asSslContext();
    assertThat(ssl.getProtocol()).isEqualTo("TLCP");
    assertThat(ssl.getProvider()).isInstanceOf(TlcpProvider.class);
    SSLEngine e = ssl.createSSLEngine();
    assertThat(e.getUseClientMode()).isTrue();
    e.setUseClientMode(false);
    assertThat(e.getNeedClientAuth()).isTrue();
    assertThat(e.getEnabledCipherSuites()).containsExactly("ECC_SM4_CBC_SM3");
    assertThat(ssl.getDefaultSSLParameters().getProtocols()).containsExactly("TLCPv1.1");
    assertThat(ssl.getSocketFactory().getDefaultCipherSuites()).containsExactly("ECC_SM4_CBC_SM3");
    // The same context's caches: a handshake through the SSLContext engine lands in sessionCache().
    EnginePair pair = new EnginePair(TestPki.client().build().newClientEngine("localhost", 443), e).handshake();
    assertThat(pair.server.error).isNull();
    assertThat(Collections.list(ssl.getServerSessionContext().getIds())).hasSize(1);
    assertThat(context.sessionCache().size()).isEqualTo(1);
  }

  @Test
  void tlcpKeyManagerListsBothRoles() {
    var sign = TestPki.PKI.gatewaySign();
    var enc = TestPki.PKI.gatewayEnc();
    TlcpKeyManager km = new TlcpKeyManager(sign.privateKey(), sign.chain(), enc.privateKey(), enc.certificate());
    assertThat(km.getServerAliases("EC", null)).containsExactly("tlcp-sign", "tlcp-enc");
    assertThat(km.getCertificateChain("tlcp-enc")[0]).isEqualTo(enc.certificate());
    assertThat(km.getCertificateChain("tlcp-sign")).containsExactly(sign.chain().toArray(new X509Certificate[0]));
    assertThat(km.getPrivateKey("tlcp-enc")).isSameAs(enc.privateKey());
    assertThat(km.getPrivateKey("other")).isNull();
    assertThatThrownBy(() -> new TlcpKeyManager(sign.privateKey(), sign.chain(), enc.privateKey(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
