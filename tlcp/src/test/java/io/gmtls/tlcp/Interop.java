package io.gmtls.tlcp;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import io.gmtls.tlcp.handshake.Certificates;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The recorded peer transcripts and their PKIs, test resources of this module: Tongsuo's in
 * {@code interop/tlcp}, GmSSL's in {@code interop/tlcp-gmssl} (README in each).
 */
final class Interop {

  static final Path DIR = resource("interop/tlcp");
  static final Path GMSSL_DIR = resource("interop/tlcp-gmssl");

  private static Path resource(String name) {
    try {
      return Path.of(Interop.class.getClassLoader().getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Interop() {
  }

  static JsonNode json(String file) throws IOException {
    return json(DIR, file);
  }

  static JsonNode json(Path dir, String file) throws IOException {
    return new ObjectMapper().readTree(Files.readString(dir.resolve(file)));
  }

  static byte[] hex(JsonNode node) {
    return HexFormat.of().parseHex(node.asString());
  }

  static X509Certificate cert(String name) throws Exception {
    return cert(DIR, name);
  }

  static X509Certificate cert(Path dir, String name) throws Exception {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(dir.resolve("pki").resolve(name))))) {
      return new JcaX509CertificateConverter().setProvider(Certificates.provider())
          .getCertificate((X509CertificateHolder) p.readObject());
    }
  }

  static PrivateKey key(String name) throws Exception {
    return key(DIR, name);
  }

  static PrivateKey key(Path dir, String name) throws Exception {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(dir.resolve("pki").resolve(name))))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter().setProvider(Certificates.provider());
      return o instanceof PEMKeyPair kp ? c.getPrivateKey(kp.getPrivateKeyInfo())
          : c.getPrivateKey((PrivateKeyInfo) o);
    }
  }

  /** A context with the interop PKI's server or client identity. */
  static TlcpContext.Builder context(boolean server) throws Exception {
    String who = server ? "server" : "client";
    return TlcpContext.builder()
        .signing(key(who + "_sign.key"), List.of(cert(who + "_sign.crt"), cert("ca.crt")))
        .encryption(key(who + "_enc.key"), cert(who + "_enc.crt"))
        .trustAnchors(List.of(cert("ca.crt")));
  }
}
