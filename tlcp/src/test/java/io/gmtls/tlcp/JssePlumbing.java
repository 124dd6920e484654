package io.gmtls.tlcp;

import io.gmtls.certsdev.Credential;
import io.gmtls.tlcp.handshake.Certificates;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Key and trust managers made the standard JSSE way, for the provider tests. */
final class JssePlumbing {

  private JssePlumbing() {
  }

  /** Trust managers from the JDK's PKIX factory over an in-memory store of the SM2 CAs. */
  static TrustManager[] trustManagers(List<X509Certificate> cas) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      ks.setCertificateEntry("ca" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /**
   * Key managers from the JDK's SunX509 factory over a BouncyCastle PKCS#12 store holding the
   * given credentials under meaningless aliases ("key0", "key1", ...): the provider tells signing
   * from encryption by key usage.
   */
  static KeyManager[] keyManagersFromKeyStore(Credential... credentials) throws Exception {
    char[] pw = "changeit".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12", Certificates.provider());
    ks.load(null, null);
    for (int i = 0; i < credentials.length; i++) {
      ks.setKeyEntry("key" + i, credentials[i].privateKey(), pw,
          credentials[i].chain().toArray(new X509Certificate[0]));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, pw);
    return kmf.getKeyManagers();
  }
}
