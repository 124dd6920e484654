package io.gmtls.tlcp;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding one TLCP identity with explicit roles: the signing key and chain under
 * alias {@value #SIGNING_ALIAS}, the encryption key and certificate under alias
 * {@value #ENCRYPTION_ALIAS}. Pass it to {@code SSLContext.init} of a {@link TlcpProvider}
 * context when the roles should not be inferred from key usage (see {@link TlcpProvider}).
 *
 * <p>It is an ordinary {@link X509ExtendedKeyManager}, so frameworks that only accept key
 * managers (Netty's {@code SslContextBuilder.keyManager}, HTTP clients) can carry it.
 */
public final class TlcpKeyManager extends X509ExtendedKeyManager {

  /** Alias of the signing key and chain. */
  public static final String SIGNING_ALIAS = "tlcp-sign";
  /** Alias of the encryption key and certificate. */
  public static final String ENCRYPTION_ALIAS = "tlcp-enc";

  private final PrivateKey signingKey;
  private final List<X509Certificate> signingChain;
  private final PrivateKey encryptionKey;
  private final X509Certificate encryptionCertificate;

  /**
   * @param signingChain signing certificate first, then its CAs
   * @param encryptionKey null together with {@code encryptionCertificate} for a client that
   *     authenticates with its signing certificate alone
   */
  public TlcpKeyManager(PrivateKey signingKey, List<X509Certificate> signingChain,
      PrivateKey encryptionKey, X509Certificate encryptionCertificate) {
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.signingChain = List.copyOf(Objects.requireNonNull(signingChain, "signingChain"));
    if (this.signingChain.isEmpty()) {
      throw new IllegalArgumentException("signingChain: at least the signing certificate is required");
    }
    if ((encryptionKey == null) != (encryptionCertificate == null)) {
      throw new IllegalArgumentException("encryption: key and certificate go together");
    }
    this.encryptionKey = encryptionKey;
    this.encryptionCertificate = encryptionCertificate;
  }

  PrivateKey signingKey() {
    return signingKey;
  }

  List<X509Certificate> signingChain() {
    return signingChain;
  }

  PrivateKey encryptionKey() {
    return encryptionKey;
  }

  X509Certificate encryptionCertificate() {
    return encryptionCertificate;
  }

  private String[] aliases() {
    return encryptionKey == null ? new String[] {SIGNING_ALIAS}
        : new String[] {SIGNING_ALIAS, ENCRYPTION_ALIAS};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases();
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return SIGNING_ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return SIGNING_ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return SIGNING_ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return SIGNING_ALIAS;
  }

  /** The signing chain, or the encryption certificate followed by the signing chain's CAs. */
  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    if (SIGNING_ALIAS.equals(alias)) {
      return signingChain.toArray(new X509Certificate[0]);
    }
    if (ENCRYPTION_ALIAS.equals(alias) && encryptionCertificate != null) {
      List<X509Certificate> chain = new ArrayList<>(signingChain);
      chain.set(0, encryptionCertificate);
      return chain.toArray(new X509Certificate[0]);
    }
    return null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    if (SIGNING_ALIAS.equals(alias)) {
      return signingKey;
    }
    return ENCRYPTION_ALIAS.equals(alias) ? encryptionKey : null;
  }

  @Override
  public String toString() {
    return "TlcpKeyManager[" + signingChain.get(0).getSubjectX500Principal().getName()
        + (encryptionKey == null ? ", signing only" : ", with encryption key") + "]";
  }
}
