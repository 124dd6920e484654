package io.gmtls.tlcp;

import io.gmtls.certsdev.Credential;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import java.util.List;

/** Development PKIs from certs-dev, generated once per test JVM. */
final class TestPki {

  /** The PKI the servers and clients of most tests trust. */
  static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(2));
  /** An unrelated PKI: its certificates chain to a CA the others do not trust. */
  static final DevPki OTHER = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

  private TestPki() {
  }

  static TlcpContext.Builder server() {
    return server(PKI);
  }

  static TlcpContext.Builder server(DevPki pki) {
    return TlcpContext.builder()
        .signing(pki.gatewaySign().privateKey(), pki.gatewaySign().chain())
        .encryption(pki.gatewayEnc().privateKey(), pki.gatewayEnc().certificate())
        .trustAnchors(pki.sm2Trust());
  }

  static TlcpContext.Builder client(Vehicle v) {
    return clientTrusting(PKI).signing(v.sign().privateKey(), v.sign().chain())
        .encryption(v.enc().privateKey(), v.enc().certificate());
  }

  static TlcpContext.Builder client() {
    return client(PKI.vehicles().get(0));
  }

  /** A client without certificates of its own. */
  static TlcpContext.Builder clientTrusting(DevPki pki) {
    return TlcpContext.builder().trustAnchors(pki.sm2Trust());
  }

  static Credential issuing() {
    return PKI.sm2Issuing();
  }

  static List<TlcpCipherSuite> only(TlcpCipherSuite s) {
    return List.of(s);
  }
}
