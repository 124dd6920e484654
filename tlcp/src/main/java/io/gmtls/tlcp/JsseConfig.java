package io.gmtls.tlcp;

import java.security.KeyManagementException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Turns the key and trust managers of {@code SSLContext.init} into {@link TlcpContext.Builder}
 * settings — the rules {@link TlcpProvider} documents:
 * <ul>
 *   <li>a {@link TlcpKeyManager} gives its signing and encryption credentials as they are;
 *   <li>any other {@link X509KeyManager}: every alias it lists for key type "EC" or "SM2" (as
 *       client or server) with an SM2 key is a candidate; the leaf certificate's keyUsage tells
 *       the role — digitalSignature without keyEncipherment/keyAgreement is signing, the reverse
 *       is encryption (a certificate without keyUsage fits both; used only if nothing fits
 *       better). More than one candidate for a role is refused, never guessed;
 *   <li>trust anchors are the SM2 certificates among {@link X509TrustManager#getAcceptedIssuers()}
 *       of every trust manager (others are ignored); the trust managers' {@code check*Trusted}
 *       methods are not called: the JDK cannot verify SM2 signatures, the engine does.
 * </ul>
 */
final class JsseConfig {

  private static final ASN1ObjectIdentifier SM2_CURVE = GMObjectIdentifiers.sm2p256v1;

  private JsseConfig() {
  }

  private record Candidate(String alias, PrivateKey key, X509Certificate[] chain) {
  }

  /** Applies the key managers' identity to {@code b}; no identity if there is none. */
  static void applyKeyManagers(KeyManager[] kms, TlcpContext.Builder b) throws KeyManagementException {
    if (kms == null) {
      return;
    }
    for (KeyManager km : kms) {
      if (km instanceof TlcpKeyManager t) {
        b.signing(t.signingKey(), t.signingChain());
        if (t.encryptionKey() != null) {
          b.encryption(t.encryptionKey(), t.encryptionCertificate());
        }
        return;
      }
    }
    List<Candidate> signOnly = new ArrayList<>();
    List<Candidate> encOnly = new ArrayList<>();
    List<Candidate> both = new ArrayList<>();
    for (Candidate c : candidates(kms)) {
      boolean[] ku = c.chain[0].getKeyUsage();
      boolean sign = ku == null || ku[0];
      boolean enc = ku == null || ku[2] || ku[4];
      if (sign && !enc) {
        signOnly.add(c);
      } else if (enc && !sign) {
        encOnly.add(c);
      } else if (sign) {
        both.add(c);
      }
    }
    Candidate signing = pick("signing", signOnly, both, null);
    Candidate encryption = pick("encryption", encOnly, both, signing);
    if (signing == null) {
      if (encryption != null) {
        throw new KeyManagementException("key managers hold an encryption credential ("
            + encryption.alias + ") but no signing credential");
      }
      return;
    }
    b.signing(signing.key, List.of(signing.chain));
    if (encryption != null) {
      b.encryption(encryption.key, encryption.chain[0]);
    }
  }

  private static Candidate pick(String role, List<Candidate> exact, List<Candidate> fallback,
      Candidate taken) throws KeyManagementException {
    List<Candidate> list = new ArrayList<>(exact.isEmpty() ? fallback : exact);
    list.removeIf(c -> c == taken);
    if (list.size() > 1) {
      throw new KeyManagementException("key managers hold several " + role + " credentials ("
          + String.join(", ", list.stream().map(Candidate::alias).toList())
          + "): give one identity per SSLContext, e.g. with a TlcpKeyManager");
    }
    return list.isEmpty() ? null : list.get(0);
  }

  private static List<Candidate> candidates(KeyManager[] kms) {
    Map<String, Candidate> out = new LinkedHashMap<>();
    int index = 0;
    for (KeyManager km : kms) {
      if (!(km instanceof X509KeyManager x)) {
        continue;
      }
      List<String> aliases = new ArrayList<>();
      for (String type : new String[] {"EC", "SM2"}) {
        addAll(aliases, x.getServerAliases(type, null));
        addAll(aliases, x.getClientAliases(type, null));
      }
      for (String alias : aliases) {
        PrivateKey key = x.getPrivateKey(alias);
        X509Certificate[] chain = x.getCertificateChain(alias);
        if (key != null && chain != null && chain.length > 0 && isSm2(chain[0])) {
          // Two key managers may use the same alias: keep both apart.
          out.putIfAbsent(index + ":" + alias, new Candidate(alias, key, chain.clone()));
        }
      }
      index++;
    }
    return new ArrayList<>(out.values());
  }

  private static void addAll(List<String> list, String[] aliases) {
    if (aliases != null) {
      for (String a : aliases) {
        if (a != null && !list.contains(a)) {
          list.add(a);
        }
      }
    }
  }

  /** The SM2 certificates among the trust managers' accepted issuers. */
  static List<X509Certificate> trustAnchors(TrustManager[] tms) {
    List<X509Certificate> anchors = new ArrayList<>();
    if (tms == null) {
      return anchors;
    }
    for (TrustManager tm : tms) {
      if (tm instanceof X509TrustManager x && x.getAcceptedIssuers() != null) {
        for (X509Certificate c : x.getAcceptedIssuers()) {
          if (c != null && isSm2(c) && !anchors.contains(c)) {
            anchors.add(c);
          }
        }
      }
    }
    return anchors;
  }

  /** Whether the certificate's key is an EC key on sm2p256v1. */
  static boolean isSm2(X509Certificate c) {
    try {
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(c.getPublicKey().getEncoded());
      return X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())
          && SM2_CURVE.equals(spki.getAlgorithm().getParameters());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
