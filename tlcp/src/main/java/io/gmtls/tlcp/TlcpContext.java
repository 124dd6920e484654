package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.fast.TlcpCryptos;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.handshake.CertificatePathValidator;
import io.gmtls.tlcp.handshake.DualIdentity;
import io.gmtls.tlcp.message.CertificateRequest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Immutable, thread-safe configuration of TLCP endpoints; makes {@link SSLEngine}s for servers
 * and clients, and holds what they share: the precomputed identity (key handles, encoded
 * Certificate message), the trust anchors, the session cache and the ticket keys.
 *
 * <pre>{@code
 * TlcpContext server = TlcpContext.builder()
 *     .signing(signKey, List.of(signCert, issuingCa))
 *     .encryption(encKey, encCert)
 *     .trustAnchors(List.of(rootCa))
 *     .clientAuth(ClientAuth.REQUIRED)
 *     .ticketKeys(TicketKeySet.load(Path.of("/etc/gateway/ticket.keys")))
 *     .build();
 * ch.pipeline().addLast(new SslHandler(server.newServerEngine()));
 * }</pre>
 */
public final class TlcpContext {

  /** Default suite order: GCM before CBC, ECDHE (forward secrecy) before ECC. */
  public static final List<TlcpCipherSuite> DEFAULT_SUITES = List.of(
      TlcpCipherSuite.ECDHE_SM4_GCM_SM3, TlcpCipherSuite.ECC_SM4_GCM_SM3,
      TlcpCipherSuite.ECDHE_SM4_CBC_SM3, TlcpCipherSuite.ECC_SM4_CBC_SM3);

  private final TlcpCrypto crypto;
  private final DualIdentity identity;
  private final CertificatePathValidator validator;
  private final List<TlcpCipherSuite> suites;
  private final ClientAuth clientAuth;
  private final RevocationChecker revocationChecker;
  private final PeerCertificateListener listener;
  private final Duration sessionTimeout;
  private final TicketKeySet ticketKeys;
  private final Clock clock;
  private final boolean hostnameVerification;
  private final boolean clientSessionTickets;
  private final TlcpSessionCache sessionCache;
  private final byte[] certificateRequest;
  private final byte[] anchorsFingerprint;
  private final boolean allowNoHostname;
  private final PeerProfile peerProfile;
  private final UnaryOperator<byte[]> outgoingHandshakeForTests;

  private TlcpContext(Builder b) {
    this.crypto = b.crypto;
    this.identity = b.signingKey == null ? null
        : new DualIdentity(b.crypto, b.signingKey, b.signingChain, b.encryptionKey, b.encryptionCertificate);
    this.validator = new CertificatePathValidator(b.crypto, b.trustAnchors, b.certificateCacheSize);
    this.suites = List.copyOf(b.suites);
    this.clientAuth = b.clientAuth;
    this.revocationChecker = b.revocationChecker;
    this.listener = b.listener;
    this.sessionTimeout = b.sessionTimeout;
    this.ticketKeys = b.ticketKeys;
    this.clock = b.clock;
    this.hostnameVerification = b.hostnameVerification;
    this.clientSessionTickets = b.clientSessionTickets;
    this.peerProfile = b.peerProfile;
    this.outgoingHandshakeForTests = b.outgoingHandshakeForTests;
    this.sessionCache = new TlcpSessionCache(b.sessionCacheSize, b.sessionTimeout, b.clock);
    this.anchorsFingerprint = validator.anchorsFingerprint();
    this.allowNoHostname = b.allowNoHostname;
    this.certificateRequest = new CertificateRequest(
        new byte[] {CertificateRequest.RSA_SIGN, CertificateRequest.ECDSA_SIGN},
        validator.anchorNames()).encode();
  }

  /** A new builder with the defaults documented on its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A server engine.
   *
   * @throws IllegalStateException if the context has no signing and encryption identity
   */
  public SSLEngine newServerEngine() {
    if (identity == null || !identity.hasEncryption()) {
      throw new IllegalStateException("a TLCP server needs signing and encryption keys and certificates");
    }
    return new TlcpEngine(this, false, null, -1);
  }

  /**
   * A client engine for the server at {@code peerHost:peerPort}; the pair keys the client session
   * cache, and {@code peerHost} is checked against the server certificate's SAN unless host name
   * verification is off. A null host (no resumption, no host name check, -1 as port) needs
   * {@link Builder#allowNoHostname(boolean)}.
   *
   * @throws IllegalStateException if the context has no trust anchors
   * @throws IllegalArgumentException if {@code peerHost} is null and the context does not allow it
   */
  public SSLEngine newClientEngine(String peerHost, int peerPort) {
    if (!validator.hasAnchors()) {
      throw new IllegalStateException("a TLCP client needs trust anchors to verify the server");
    }
    if (peerHost == null && !allowNoHostname) {
      throw new IllegalArgumentException("peerHost: a TLCP client engine needs the server's host name"
          + " (or a context built with allowNoHostname(true))");
    }
    return new TlcpEngine(this, true, peerHost, peerPort);
  }

  /**
   * An engine for the JSSE provider: client mode until {@code setUseClientMode(false)}, and no
   * check that the context can play the role (an engine made only to read the supported suites,
   * as Netty's {@code JdkSslContext} does, must not fail). A client without trust anchors
   * refuses every server with unknown_ca; server mode needs the identity.
   */
  TlcpEngine newEngine(String peerHost, int peerPort) {
    return new TlcpEngine(this, true, peerHost, peerPort);
  }

  /**
   * This context as a JSSE {@link SSLContext} (protocol {@code TLCP}, provider
   * {@link TlcpProvider}), already initialised: {@code createSSLEngine} makes engines of this
   * context (client mode until {@code setUseClientMode(false)}), the socket factories make
   * blocking {@code SSLSocket}s over them, and the session contexts show this context's caches.
   * Calling {@code init} on it replaces the configuration with one built from the key and trust
   * managers, as for {@code SSLContext.getInstance("TLCP", new TlcpProvider())}.
   */
  public SSLContext asSslContext() {
    return TlcpProvider.sslContext(this);
  }

  /** Session caches (server by ID, client by host:port); public through the JSSE session contexts. */
  TlcpSessionCache sessionCache() {
    return sessionCache;
  }

  /**
   * Whether a ClientHello with this session ID or session ticket offers a session this server
   * may resume, judged without cryptography: the ID names a fresh session in the server cache, or
   * the ticket names one of the ticket keys. A true answer is a claim, not a promise — the
   * handshake still checks the cipher suite, the ticket's integrity and the peer's revocation
   * status, and falls back to a full handshake. For storm-aware admission, which lets resumptions
   * in before full handshakes.
   *
   * @param sessionId the ClientHello's session ID (may be empty or null)
   * @param ticket    the session_ticket extension's content (may be empty or null)
   */
  public boolean offersResumableSession(byte[] sessionId, byte[] ticket) {
    if (sessionId != null && sessionId.length > 0 && sessionCache.peekServer(sessionId) != null) {
      return true;
    }
    TicketKeySet keys = ticketKeys;
    return keys != null && keys.namesKey(ticket);
  }

  /** The suites, in preference order. */
  public List<TlcpCipherSuite> cipherSuites() {
    return suites;
  }

  /** The server's client authentication mode. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The ticket keys, or null when the server issues no tickets. */
  public TicketKeySet ticketKeys() {
    return ticketKeys;
  }

  /** The session lifetime. */
  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  TlcpCrypto crypto() {
    return crypto;
  }

  DualIdentity identity() {
    return identity;
  }

  CertificatePathValidator validator() {
    return validator;
  }

  RevocationChecker revocationChecker() {
    return revocationChecker;
  }

  PeerCertificateListener listener() {
    return listener;
  }

  Clock clock() {
    return clock;
  }

  boolean hostnameVerification() {
    return hostnameVerification;
  }

  boolean clientSessionTickets() {
    return clientSessionTickets;
  }

  byte[] certificateRequestMessage() {
    return certificateRequest;
  }

  /** SM3 fingerprint of the trust anchors, recorded in tickets (not to be modified). */
  byte[] anchorsFingerprint() {
    return anchorsFingerprint;
  }

  boolean allowNoHostname() {
    return allowNoHostname;
  }

  /** Test seam (see {@link Builder#outgoingHandshakeForTests}); the identity everywhere else. */
  UnaryOperator<byte[]> outgoingHandshakeForTests() {
    return outgoingHandshakeForTests;
  }

  /** Client: whose forms of CertificateVerify and ECDHE ClientKeyExchange it sends (a server accepts both). */
  public PeerProfile peerProfile() {
    return peerProfile;
  }

  List<X509Certificate> localCertificates() {
    return identity == null ? List.of() : identity.localCertificates();
  }

  @Override
  public String toString() {
    return "TlcpContext[" + (identity == null ? "no identity" : identity) + ", suites=" + suites
        + ", clientAuth=" + clientAuth + ", tickets=" + (ticketKeys != null) + "]";
  }

  /** Builder of a {@link TlcpContext}; not thread-safe. */
  public static final class Builder {
    private TlcpCrypto crypto = TlcpCryptos.createDefault();
    private PrivateKey signingKey;
    private List<X509Certificate> signingChain;
    private PrivateKey encryptionKey;
    private X509Certificate encryptionCertificate;
    private List<X509Certificate> trustAnchors = List.of();
    private List<TlcpCipherSuite> suites = DEFAULT_SUITES;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private RevocationChecker revocationChecker;
    private PeerCertificateListener listener;
    private int sessionCacheSize = 20_000;
    private Duration sessionTimeout = Duration.ofHours(2);
    private TicketKeySet ticketKeys;
    private Clock clock = Clock.systemUTC();
    private boolean hostnameVerification = true;
    private boolean allowNoHostname;
    private boolean clientSessionTickets = true;
    private PeerProfile peerProfile = PeerProfile.TONGSUO;
    private UnaryOperator<byte[]> outgoingHandshakeForTests = UnaryOperator.identity();
    private int certificateCacheSize = CertificatePathValidator.DEFAULT_CACHE_SIZE;

    private Builder() {
    }

    /** Signing key and chain: signing certificate first, then its CAs (root optional). */
    public Builder signing(PrivateKey key, List<X509Certificate> chain) {
      this.signingKey = Objects.requireNonNull(key, "signing key");
      this.signingChain = List.copyOf(Objects.requireNonNull(chain, "signing chain"));
      return this;
    }

    /** Encryption key and certificate (required for a server; optional for a client). */
    public Builder encryption(PrivateKey key, X509Certificate cert) {
      this.encryptionKey = Objects.requireNonNull(key, "encryption key");
      this.encryptionCertificate = Objects.requireNonNull(cert, "encryption certificate");
      return this;
    }

    /** CAs (roots and/or intermediates) that peer chains must lead to. Default: none. */
    public Builder trustAnchors(Collection<X509Certificate> cas) {
      this.trustAnchors = List.copyOf(cas);
      return this;
    }

    /** Suites in preference order (the server's order decides). Default {@link #DEFAULT_SUITES}. */
    public Builder cipherSuites(List<TlcpCipherSuite> inPreferenceOrder) {
      this.suites = List.copyOf(inPreferenceOrder);
      return this;
    }

    /** Server: ask for client certificates (ECDHE suites always require them). Default NONE. */
    public Builder clientAuth(ClientAuth mode) {
      this.clientAuth = Objects.requireNonNull(mode, "clientAuth");
      return this;
    }

    /** Revocation hook for verified peer chains; null (default) for none. */
    public Builder revocationChecker(RevocationChecker checker) {
      this.revocationChecker = checker;
      return this;
    }

    /** Hook that sees (and may refuse) the verified peer certificates; null for none. */
    public Builder peerCertificateListener(PeerCertificateListener l) {
      this.listener = l;
      return this;
    }

    /** Entries per session cache (server IDs, client peers); 0 disables. Default 20000. */
    public Builder sessionCacheSize(int n) {
      this.sessionCacheSize = n;
      return this;
    }

    /** Lifetime of sessions and tickets. Default 2 hours. */
    public Builder sessionTimeout(Duration d) {
      this.sessionTimeout = d;
      return this;
    }

    /** Server: session ticket keys; null (default) issues no tickets. */
    public Builder ticketKeys(TicketKeySet keys) {
      this.ticketKeys = keys;
      return this;
    }

    /** Clock for certificate validity and session lifetime (tests). Default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Cryptography implementation. Default: BouncyCastle's SM2/SM3/SM4. */
    public Builder crypto(TlcpCrypto crypto) {
      this.crypto = Objects.requireNonNull(crypto, "crypto");
      return this;
    }

    /** Client: check the server's signing certificate SAN against the peer host. Default true. */
    public Builder hostnameVerification(boolean on) {
      this.hostnameVerification = on;
      return this;
    }

    /**
     * Client: allow client engines made without the server's host name
     * ({@code newClientEngine(null, -1)}, JSSE {@code createSSLEngine()}). Such an engine cannot
     * check whom the server certificate names, so it accepts any certificate that chains to the
     * trust anchors with a key usage fit for a server, another vehicle's included when the PKI's
     * certificates carry no extendedKeyUsage. Default false: {@code newClientEngine} refuses a
     * null host, and a host-less engine fails its handshake before sending a ClientHello.
     */
    public Builder allowNoHostname(boolean allow) {
      this.allowNoHostname = allow;
      return this;
    }

    /**
     * Client: send the session_ticket extension (as Tongsuo's client does). Turn off for servers
     * that refuse any extension. Default true.
     */
    public Builder clientSessionTickets(boolean on) {
      this.clientSessionTickets = on;
      return this;
    }

    /**
     * Client: whose message forms it sends — {@link PeerProfile#TONGSUO} (CertificateVerify over
     * the SM3 hash of the handshake messages, bare ECDHE parameters; the default) or
     * {@link PeerProfile#GMSSL} (CertificateVerify over the messages themselves, ECDHE parameters
     * in a uint16 vector, the signing certificate alone on ECC suites, no session_ticket
     * extension), for a GmSSL server. A server made from this context accepts both whatever is set
     * here.
     */
    public Builder peerProfile(PeerProfile profile) {
      this.peerProfile = Objects.requireNonNull(profile, "peerProfile");
      return this;
    }

    /**
     * Test-only seam, package-private so that no application can reach it: replaces each encoded
     * handshake message this context's engines send (before it is hashed into the transcript and
     * written). It lets a test replay a recorded server flight whose SM2 signature (random k) and
     * CertificateRequest bytes an engine cannot reproduce, so that a recorded client flight —
     * whose CertificateVerify signs that transcript — can be fed to our server engine. With the
     * server random it takes {@link #crypto} built over a replaying {@code SecureRandom}.
     */
    Builder outgoingHandshakeForTests(UnaryOperator<byte[]> replace) {
      this.outgoingHandshakeForTests = Objects.requireNonNull(replace);
      return this;
    }

    /**
     * Peer certificate signatures to remember once verified (LRU, about 100 bytes each), so a
     * peer that reconnects costs no chain signature verification; dates, key usage and
     * revocation are still checked on every handshake. 0 verifies every time. Default 10000.
     */
    public Builder certificateCacheSize(int n) {
      this.certificateCacheSize = n;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public TlcpContext build() {
      if (suites.isEmpty()) {
        throw new IllegalArgumentException("cipherSuites: at least one suite is required");
      }
      if (EnumSet.copyOf(suites).size() != suites.size()) {
        throw new IllegalArgumentException("cipherSuites: duplicate suite in " + suites);
      }
      if (certificateCacheSize < 0) {
        throw new IllegalArgumentException("certificateCacheSize: must be >= 0, was " + certificateCacheSize);
      }
      if (sessionCacheSize < 0) {
        throw new IllegalArgumentException("sessionCacheSize: must be >= 0, was " + sessionCacheSize);
      }
      if (sessionTimeout == null || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
        throw new IllegalArgumentException("sessionTimeout: must be positive, was " + sessionTimeout);
      }
      boolean ecdhe = suites.stream().anyMatch(s -> s.keyExchange() == TlcpCipherSuite.KeyExchange.ECDHE);
      if (signingKey != null && encryptionKey != null && trustAnchors.isEmpty()
          && (clientAuth != ClientAuth.NONE || ecdhe)) {
        throw new IllegalArgumentException("trustAnchors: required to verify client certificates"
            + " (clientAuth " + clientAuth + (ecdhe ? ", ECDHE suites enabled)" : ")"));
      }
      if (signingKey == null && encryptionKey != null) {
        throw new IllegalArgumentException("signing: an encryption key needs a signing key and chain");
      }
      List<X509Certificate> anchors = new ArrayList<>(trustAnchors);
      anchors.removeIf(Objects::isNull);
      this.trustAnchors = anchors;
      return new TlcpContext(this);
    }
  }
}
