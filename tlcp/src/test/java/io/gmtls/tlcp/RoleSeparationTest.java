package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.handshake.CraftedCertificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * A server certificate must fit a server and a client certificate a client (issue 11 item 8):
 * extendedKeyUsage, when present, names the role (or anyExtendedKeyUsage); certificates without
 * it (the recorded Tongsuo and GmSSL ones, the dev PKI's) are accepted; and a client engine that
 * does not know the server's host name is refused unless the context allows it.
 */
class RoleSeparationTest {

  private static final String ROOT = "CN=Role Test Root";
  private static final KeyPair ROOT_KEYS = CraftedCertificates.sm2KeyPair();
  private static final X509Certificate ROOT_CERT =
      CraftedCertificates.issue(ROOT, ROOT, ROOT_KEYS.getPublic(), ROOT_KEYS.getPrivate(), CraftedCertificates.ca());

  /** A signing and an encryption certificate with {@code eku} (none if null). */
  private record Pair(KeyPair sign, X509Certificate signCert, KeyPair enc, X509Certificate encCert) {
  }

  private static Pair pair(String cn, KeyPurposeId eku) {
    KeyPair sign = CraftedCertificates.sm2KeyPair();
    KeyPair enc = CraftedCertificates.sm2KeyPair();
    X509Certificate signCert = CraftedCertificates.issue("CN=" + cn + " sign", ROOT, sign.getPublic(),
        ROOT_KEYS.getPrivate(), b -> {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          b.addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
          if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
          }
        });
    X509Certificate encCert = CraftedCertificates.issue("CN=" + cn + " enc", ROOT, enc.getPublic(),
        ROOT_KEYS.getPrivate(), b -> {
          b.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
          if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
          }
        });
    return new Pair(sign, signCert, enc, encCert);
  }

  private static TlcpContext server(Pair p) {
    return TlcpContext.builder().signing(p.sign.getPrivate(), List.of(p.signCert, ROOT_CERT))
        .encryption(p.enc.getPrivate(), p.encCert).trustAnchors(List.of(ROOT_CERT))
        .clientAuth(ClientAuth.REQUIRED).build();
  }

  private static TlcpContext client(Pair p) {
    return TlcpContext.builder().signing(p.sign.getPrivate(), List.of(p.signCert, ROOT_CERT))
        .encryption(p.enc.getPrivate(), p.encCert).trustAnchors(List.of(ROOT_CERT)).build();
  }

  @Test
  void serverCertificateWhoseEkuAllowsOnlyClientAuthIsRefusedByTheClient() throws Exception {
    // e.g. another vehicle's certificate, once the PKI gives vehicles clientAuth
    EnginePair pair = EnginePair.of(client(pair("vehicle-1", KeyPurposeId.id_kp_clientAuth)),
        server(pair("vehicle-2", KeyPurposeId.id_kp_clientAuth))).handshake();
    assertThat(pair.client.raisedAlert()).isEqualTo(Alert.UNSUPPORTED_CERTIFICATE);
    assertThat(pair.client.error).hasMessageContaining("serverAuth");
  }

  @Test
  void clientCertificateWhoseEkuAllowsOnlyServerAuthIsRefusedByTheServer() throws Exception {
    EnginePair pair = EnginePair.of(client(pair("gateway-2", KeyPurposeId.id_kp_serverAuth)),
        server(pair("gateway-1", KeyPurposeId.id_kp_serverAuth))).handshake();
    assertThat(pair.server.raisedAlert()).isEqualTo(Alert.UNSUPPORTED_CERTIFICATE);
    assertThat(pair.server.error).hasMessageContaining("clientAuth");
  }

  @Test
  void certificatesWithTheirRolesEkuOrWithoutAnyEkuAreAccepted() throws Exception {
    EnginePair withEku = EnginePair.of(client(pair("vehicle", KeyPurposeId.id_kp_clientAuth)),
        server(pair("gateway", KeyPurposeId.id_kp_serverAuth))).handshake();
    assertThat(withEku.client.error).isNull();
    assertThat(withEku.server.error).isNull();
    EnginePair withAny = EnginePair.of(client(pair("vehicle", KeyPurposeId.anyExtendedKeyUsage)),
        server(pair("gateway", KeyPurposeId.anyExtendedKeyUsage))).handshake();
    assertThat(withAny.server.error).isNull();
    EnginePair without = EnginePair.of(client(pair("vehicle", null)), server(pair("gateway", null))).handshake();
    assertThat(without.client.error).isNull();
    assertThat(without.server.error).isNull();
  }

  @Test
  void clientEngineWithoutHostNameIsRefusedUnlessTheContextAllowsIt() throws Exception {
    TlcpContext strict = TestPki.client().build();
    assertThatThrownBy(() -> strict.newClientEngine(null, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowNoHostname");

    TlcpContext lenient = TestPki.client().allowNoHostname(true).build();
    EnginePair pair = new EnginePair(lenient.newClientEngine(null, -1), TestPki.server().build().newServerEngine())
        .handshake();
    assertThat(pair.client.error).isNull();
    assertThat(pair.server.error).isNull();
  }

  @Test
  void jsseClientEngineWithoutHostNameFailsItsHandshakeUnlessTheContextAllowsIt() throws Exception {
    SSLEngine strict = TestPki.client().build().asSslContext().createSSLEngine();
    assertThatThrownBy(strict::beginHandshake).isInstanceOf(javax.net.ssl.SSLException.class)
        .hasMessageContaining("host name");
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(strict.getSession().getPacketBufferSize());
    strict.wrap(java.nio.ByteBuffer.allocate(0), out);
    assertThat(out.position() == 0 || out.get(0) == 21).as("no ClientHello, at most an alert").isTrue();

    SSLEngine lenient = TestPki.client().allowNoHostname(true).build().asSslContext().createSSLEngine();
    EnginePair ok = new EnginePair(lenient, TestPki.server().build().newServerEngine()).handshake();
    assertThat(ok.client.error).isNull();
  }
}
