package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder validation: errors name the field. */
class TlcpContextTest {

  @Test
  void rejectsBadSettingsNamingTheField() {
    assertThatThrownBy(() -> TestPki.server().cipherSuites(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cipherSuites");
    assertThatThrownBy(() -> TestPki.server().sessionTimeout(Duration.ZERO).build())
        .hasMessageStartingWith("sessionTimeout");
    assertThatThrownBy(() -> TestPki.server().sessionCacheSize(-1).build())
        .hasMessageStartingWith("sessionCacheSize");
    assertThatThrownBy(() -> TestPki.server().trustAnchors(List.of()).build())
        .hasMessageStartingWith("trustAnchors");
    var pki = TestPki.PKI;
    assertThatThrownBy(() -> TlcpContext.builder()
        .signing(pki.gatewayEnc().privateKey(), pki.gatewaySign().chain()).build())
        .hasMessageStartingWith("signing: private key does not match");
    assertThatThrownBy(() -> TlcpContext.builder()
        .signing(pki.ecdsaGateway().privateKey(), pki.ecdsaGateway().chain()).build())
        .hasMessageStartingWith("signing:");
    assertThatThrownBy(() -> TlcpContext.builder().trustAnchors(pki.ecdsaTrust()).build())
        .hasMessageStartingWith("trustAnchors[0]");
  }

  @Test
  void trustAnchorThatIsNotACaIsRefusedAtBuild() {
    var vehicle = TestPki.PKI.vehicles().get(0).sign().certificate();
    assertThatThrownBy(() -> TestPki.clientTrusting(TestPki.PKI)
        .trustAnchors(List.of(TestPki.PKI.sm2Root().certificate(), vehicle)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trustAnchors[1]")
        .hasMessageContaining("not a CA certificate");
  }

  @Test
  void trustAnchorWhoseKeyUsageLacksKeyCertSignIsRefusedAtBuild() {
    java.security.KeyPair k = io.gmtls.tlcp.handshake.CraftedCertificates.sm2KeyPair();
    var noKeyCertSign = io.gmtls.tlcp.handshake.CraftedCertificates.issue("CN=odd CA", "CN=odd CA",
        k.getPublic(), k.getPrivate(), b -> {
          b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
              new org.bouncycastle.asn1.x509.BasicConstraints(true));
          b.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
              new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
        });
    assertThatThrownBy(() -> TestPki.clientTrusting(TestPki.PKI).trustAnchors(List.of(noKeyCertSign)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trustAnchors[0]")
        .hasMessageContaining("keyCertSign");
  }

  @Test
  void rolesNeedTheirKeys() {
    TlcpContext clientOnly = TestPki.clientTrusting(TestPki.PKI).build();
    assertThatThrownBy(clientOnly::newServerEngine).isInstanceOf(IllegalStateException.class);
    TlcpContext noTrust = TlcpContext.builder().build();
    assertThatThrownBy(() -> noTrust.newClientEngine("h", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void suitesAndNames() {
    assertThat(TlcpCipherSuite.valueOf("ECC_SM4_GCM_SM3").openSslName()).isEqualTo("ECC-SM2-SM4-GCM-SM3");
    assertThat(TlcpCipherSuite.of(0xE011)).isEqualTo(TlcpCipherSuite.ECDHE_SM4_CBC_SM3);
    var engine = TestPki.server().build().newServerEngine();
    engine.setEnabledCipherSuites(new String[] {"ECC-SM2-SM4-CBC-SM3", "TLS_AES_128_GCM_SHA256"});
    assertThat(engine.getEnabledCipherSuites()).containsExactly("ECC_SM4_CBC_SM3");
  }
}
