package io.gmtls.tlcp;

import io.gmtls.tlcp.TlcpCipherSuite.KeyExchange;
import io.gmtls.tlcp.handshake.CertificatePathValidator;
import io.gmtls.tlcp.handshake.DualIdentity;
import io.gmtls.tlcp.handshake.EccKeyExchange;
import io.gmtls.tlcp.handshake.EcdheKeyExchange;
import io.gmtls.tlcp.handshake.HandshakeState;
import io.gmtls.tlcp.message.CertificateMessage;
import io.gmtls.tlcp.message.CertificateVerify;
import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.ClientKeyExchange;
import io.gmtls.tlcp.message.EcdhParams;
import io.gmtls.tlcp.message.Extension;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.message.NewSessionTicket;
import io.gmtls.tlcp.message.ServerHello;
import io.gmtls.tlcp.message.ServerHelloDone;
import io.gmtls.tlcp.message.ServerKeyExchange;
import io.gmtls.tlcp.record.ContentType;
import java.util.List;

/**
 * Server side of the TLCP handshake (GB/T 38636-2020 clause 6.4.2, figure 2), one method per
 * message it consumes or produces. Unknown ClientHello extensions are ignored.
 */
final class ServerHandshaker extends Handshaker {

  private static final int MAX_CLIENT_CHAIN = 10;

  private final DualIdentity identity;
  private boolean resumed;
  private boolean issueTicket;
  private boolean certificateRequested;
  private byte[] sessionId;
  private EcdheKeyExchange ecdhe;
  private CertificatePathValidator.Result peer;
  private SessionState resumedState;

  ServerHandshaker(TlcpEngine engine) {
    // The raw messages are kept for a GmSSL client's CertificateVerify until we know none comes.
    super(engine, HandshakeState.SERVER_START, true);
    this.identity = engine.context().identity();
  }

  @Override
  void start() {
    // The client speaks first.
  }

  @Override
  void consume(int type, byte[] body, byte[] hashBefore) throws TlcpAlertException {
    switch (type) {
      case HandshakeType.CLIENT_HELLO -> consumeClientHello(body);
      case HandshakeType.CERTIFICATE -> consumeCertificate(body);
      case HandshakeType.CLIENT_KEY_EXCHANGE -> consumeClientKeyExchange(body);
      case HandshakeType.CERTIFICATE_VERIFY -> consumeCertificateVerify(body, hashBefore);
      case HandshakeType.CHANGE_CIPHER_SPEC -> moveTo(HandshakeState.SERVER_WAIT_FINISHED);
      case HandshakeType.FINISHED -> consumeFinished(body, hashBefore);
      default -> throw new IllegalStateException("state table let " + type + " through");
    }
  }

  // ------------------------------------------------------------------ ClientHello

  private void consumeClientHello(byte[] body) throws TlcpAlertException {
    ClientHello hello = ClientHello.parse(body);
    if (hello.version() != ContentType.VERSION) {
      throw new TlcpAlertException(Alert.PROTOCOL_VERSION,
          "ClientHello version 0x" + Integer.toHexString(hello.version()) + " is not TLCP 0x0101");
    }
    boolean nullCompression = false;
    for (byte c : hello.compressionMethods()) {
      nullCompression |= c == 0;
    }
    if (!nullCompression) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "ClientHello lacks null compression");
    }
    clientRandom = hello.random();
    Extension ticketExtension = Extension.find(hello.extensions(), Extension.SESSION_TICKET);
    TicketKeySet keys = context.ticketKeys();
    boolean ticketsWanted = ticketExtension != null && keys != null && engine.sessionCreation();

    SessionState candidate = null;
    boolean renew = false;
    if (keys != null && ticketExtension != null && ticketExtension.data().length > 0) {
      TicketCodec.Opened opened = TicketCodec.open(crypto, keys, ticketExtension.data(),
          context.anchorsFingerprint());
      if (opened != null && usable(opened.state(), hello)) {
        candidate = opened.state();
        renew = opened.renew();
      }
    }
    if (candidate == null && hello.sessionId().length > 0) {
      SessionState cached = context.sessionCache().getServer(hello.sessionId());
      if (cached != null && usable(cached, hello)) {
        candidate = cached;
      }
    }
    if (candidate != null) {
      notifyListenerOnResumption(candidate);
      resumeSession(hello, candidate, renew && ticketsWanted);
    } else {
      fullHandshake(hello, ticketsWanted);
    }
  }

  /** Whether a cached or ticketed session may be resumed on this ClientHello. */
  private boolean usable(SessionState s, ClientHello hello) {
    if (!context.sessionCache().fresh(s) || !engine.enabledSuites().contains(s.suite())
        || !offers(hello, s.suite())) {
      return false;
    }
    if (s.peerCertificates().isEmpty()) {
      return engine.clientAuth() != ClientAuth.REQUIRED && s.suite().keyExchange() == KeyExchange.ECC;
    }
    if (context.revocationChecker() != null) {
      // A revoked vehicle must not come back through an old session: its chains go to the
      // revocation checker again (and their dates are checked); the path itself verified when the
      // session was made and is not verified again.
      try {
        context.validator().recheck(s.peerCertificates(), CertificatePathValidator.PeerRole.CLIENT,
            context.clock().instant(), context.revocationChecker());
      } catch (TlcpAlertException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean offers(ClientHello hello, TlcpCipherSuite suite) {
    for (int id : hello.cipherSuites()) {
      if (id == suite.id()) {
        return true;
      }
    }
    return false;
  }

  private void resumeSession(ClientHello hello, SessionState s, boolean renewTicket) {
    resumed = true;
    resumedState = s;
    transcript.dropMessages();
    suite = s.suite();
    masterSecret = s.masterSecret().clone();
    serverRandom = random32();
    sessionId = hello.sessionId();
    send(new ServerHello(ContentType.VERSION, serverRandom, sessionId, suite.id(), 0,
        renewTicket ? List.of(new Extension(Extension.SESSION_TICKET, new byte[0])) : List.of()));
    if (renewTicket) {
      sendTicket(s);
    }
    keysFromMaster();
    sendChangeCipherSpecAndFinished(false);
    engine.setPendingRead(protections.clientWrite());
    moveTo(HandshakeState.SERVER_WAIT_CHANGE_CIPHER_SPEC);
  }

  private void fullHandshake(ClientHello hello, boolean ticketsWanted) throws TlcpAlertException {
    suite = null;
    for (TlcpCipherSuite s : engine.enabledSuites()) {
      if (offers(hello, s)) {
        suite = s;
        break;
      }
    }
    if (suite == null) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "no cipher suite in common");
    }
    issueTicket = ticketsWanted;
    serverRandom = random32();
    boolean cacheable = !issueTicket && engine.sessionCreation() && context.sessionCache().enabled();
    sessionId = cacheable ? random32() : new byte[0];
    send(new ServerHello(ContentType.VERSION, serverRandom, sessionId, suite.id(), 0,
        issueTicket ? List.of(new Extension(Extension.SESSION_TICKET, new byte[0])) : List.of()));
    sendEncoded(identity.certificateMessage());

    byte[] params;
    byte[] point = null;
    if (suite.keyExchange() == KeyExchange.ECDHE) {
      ecdhe = new EcdheKeyExchange(crypto, true);
      point = ecdhe.point();
      params = EcdhParams.encode(point);
    } else {
      params = identity.eccSignedParams();
    }
    byte[] signature = crypto.sm2Sign(identity.signingKey(),
        ServerKeyExchange.signedData(clientRandom, serverRandom, params));
    send(new ServerKeyExchange(point, signature));

    certificateRequested = suite.keyExchange() == KeyExchange.ECDHE || engine.clientAuth() != ClientAuth.NONE;
    if (certificateRequested) {
      sendEncoded(context.certificateRequestMessage());
    } else {
      transcript.dropMessages();
    }
    send(ServerHelloDone.INSTANCE);
    moveTo(certificateRequested ? HandshakeState.SERVER_WAIT_CERTIFICATE
        : HandshakeState.SERVER_WAIT_KEY_EXCHANGE);
  }

  // ------------------------------------------------------------------ client flight

  private void consumeCertificate(byte[] body) throws TlcpAlertException {
    CertificateMessage m = CertificateMessage.parse(body);
    List<byte[]> certs = m.certificates();
    boolean ecdheSuite = suite.keyExchange() == KeyExchange.ECDHE;
    if (certs.isEmpty()) {
      if (ecdheSuite) {
        throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "ECDHE suites require the client's certificates");
      }
      if (engine.clientAuth() == ClientAuth.REQUIRED) {
        throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "client certificate required");
      }
      transcript.dropMessages();
      moveTo(HandshakeState.SERVER_WAIT_KEY_EXCHANGE);
      return;
    }
    if (certs.size() > MAX_CLIENT_CHAIN) {
      throw new TlcpAlertException(Alert.BAD_CERTIFICATE, "client sent " + certs.size() + " certificates");
    }
    peer = context.validator().validate(certs, CertificatePathValidator.PeerRole.CLIENT,
        context.clock().instant(), context.revocationChecker());
    if (ecdheSuite && peer.encryptionKey() == null) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE,
          "ECDHE suites require the client's encryption certificate");
    }
    notifyListener(peer);
    moveTo(HandshakeState.SERVER_WAIT_KEY_EXCHANGE);
  }

  private void consumeClientKeyExchange(byte[] body) throws TlcpAlertException {
    ClientKeyExchange m = ClientKeyExchange.parse(body, suite.keyExchange());
    byte[] preMaster;
    if (suite.keyExchange() == KeyExchange.ECDHE) {
      preMaster = ecdhe.preMasterSecret(identity.encryptionKey(), peer.encryptionKey(), m.value());
      ecdhe = null;
    } else {
      preMaster = EccKeyExchange.server(crypto, identity.encryptionKey(), m.value());
    }
    deriveKeys(preMaster);
    engine.setPendingRead(protections.clientWrite());
    moveTo(peer != null ? HandshakeState.SERVER_WAIT_CERTIFICATE_VERIFY
        : HandshakeState.SERVER_WAIT_CHANGE_CIPHER_SPEC);
  }

  /**
   * Accepts the client's signature in either {@link PeerProfile}'s form: over the SM3 hash of
   * the messages (Tongsuo), else over the messages themselves (GmSSL). Both bind the same
   * transcript to the same key; a signature that fits neither gets the same alert as before.
   */
  private void consumeCertificateVerify(byte[] body, byte[] hashBefore) throws TlcpAlertException {
    CertificateVerify m = CertificateVerify.parse(body);
    byte[] messages = messagesBeforeCertificateVerify;
    messagesBeforeCertificateVerify = null;
    if (!crypto.sm2Verify(peer.signingKey(), hashBefore, m.signature())
        && (messages == null || !crypto.sm2Verify(peer.signingKey(), messages, m.signature()))) {
      throw new TlcpAlertException(Alert.DECRYPT_ERROR, "CertificateVerify signature does not verify");
    }
    moveTo(HandshakeState.SERVER_WAIT_CHANGE_CIPHER_SPEC);
  }

  private void consumeFinished(byte[] body, byte[] hashBefore) throws TlcpAlertException {
    checkFinished(body, hashBefore, true);
    moveTo(HandshakeState.DONE);
    if (resumed) {
      engine.handshakeDone(new SessionState(sessionId, suite, masterSecret,
          resumedState.peerCertificates(), resumedState.creationMillis(),
          resumedState.notAfterMillis(), null, 0), true);
      return;
    }
    SessionState s = new SessionState(sessionId, suite, masterSecret,
        peer == null ? List.of() : peer.path(), context.clock().millis(),
        peer == null ? Long.MAX_VALUE : peer.notAfterMillis(), null, 0);
    if (issueTicket) {
      sendTicket(s);
    }
    sendChangeCipherSpecAndFinished(false);
    context.sessionCache().putServer(s);
    engine.handshakeDone(s, false);
  }

  private void sendTicket(SessionState s) {
    byte[] ticket = TicketCodec.seal(crypto, context.ticketKeys(), s, context.anchorsFingerprint());
    // A state too large for a ticket gets an empty one: RFC 5077 3.3 lets the client go on.
    send(new NewSessionTicket(ticket == null ? 0 : context.sessionTimeout().toSeconds(),
        ticket == null ? new byte[0] : ticket));
  }
}
