package io.gmtls.tlcp;

import io.gmtls.tlcp.TlcpCipherSuite.KeyExchange;
import io.gmtls.tlcp.handshake.CertificatePathValidator;
import io.gmtls.tlcp.handshake.DualIdentity;
import io.gmtls.tlcp.handshake.EccKeyExchange;
import io.gmtls.tlcp.handshake.EcdheKeyExchange;
import io.gmtls.tlcp.handshake.HandshakeState;
import io.gmtls.tlcp.handshake.HostnameChecker;
import io.gmtls.tlcp.handshake.Transcript;
import io.gmtls.tlcp.message.CertificateMessage;
import io.gmtls.tlcp.message.CertificateRequest;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Client side of the TLCP handshake (GB/T 38636-2020 clause 6.4.2, figure 2), one method per
 * message. Its ClientHello carries what Tongsuo's does: the suites, the renegotiation SCSV
 * (0x00FF) and, unless turned off, the session_ticket extension; nothing else.
 */
final class ClientHandshaker extends Handshaker {

  /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746): we never renegotiate. */
  static final int RENEGOTIATION_SCSV = 0x00FF;

  private final DualIdentity identity;
  private final String peerKey;
  private List<TlcpCipherSuite> offered;
  private SessionState cached;
  private byte[] offeredSessionId;
  private byte[] serverSessionId;
  private boolean resumed;
  private boolean ticketExpected;
  private boolean certificateRequested;
  private CertificatePathValidator.Result server;
  private byte[] serverPoint;
  private byte[] ticket;
  private long ticketLifetime;

  ClientHandshaker(TlcpEngine engine) {
    super(engine, HandshakeState.CLIENT_START,
        engine.context().peerProfile() == PeerProfile.GMSSL);
    this.identity = engine.context().identity();
    this.peerKey = engine.getPeerHost() == null ? null : engine.getPeerHost() + ":" + engine.getPeerPort();
  }

  @Override
  void start() {
    offered = new ArrayList<>();
    for (TlcpCipherSuite s : engine.enabledSuites()) {
      // ECDHE needs our encryption key pair: don't offer what we cannot finish.
      if (s.keyExchange() == KeyExchange.ECC || (identity != null && identity.hasEncryption())) {
        offered.add(s);
      }
    }
    cached = engine.sessionCreation() ? context.sessionCache().getClient(peerKey) : null;
    if (cached != null && !offered.contains(cached.suite())) {
      cached = null;
    }
    if (cached != null && !stillValid(cached)) {
      context.sessionCache().removeClient(peerKey, cached);
      cached = null;
    }
    // A GmSSL 3 server aborts on any ClientHello extension it does not know, session_ticket included.
    boolean tickets = context.clientSessionTickets() && context.peerProfile() != PeerProfile.GMSSL;
    offeredSessionId = new byte[0];
    if (cached != null) {
      if (cached.id().length > 0) {
        offeredSessionId = cached.id();
      } else if (tickets && cached.ticket() != null) {
        // RFC 5077 3.4: a fresh ID the server echoes when it accepts the ticket.
        offeredSessionId = random32();
      }
    }
    int[] ids = new int[offered.size() + 1];
    for (int i = 0; i < offered.size(); i++) {
      ids[i] = offered.get(i).id();
    }
    ids[offered.size()] = RENEGOTIATION_SCSV;
    List<Extension> extensions = new ArrayList<>();
    if (tickets) {
      byte[] t = cached != null && cached.ticket() != null ? cached.ticket() : new byte[0];
      extensions.add(new Extension(Extension.SESSION_TICKET, t));
    }
    clientRandom = random32();
    send(new ClientHello(ContentType.VERSION, clientRandom, offeredSessionId, ids, new byte[] {0},
        extensions));
    moveTo(HandshakeState.CLIENT_WAIT_SERVER_HELLO);
  }

  /**
   * Whether a cached session may be offered: with a revocation checker, the server's path is
   * checked again for revocation and validity (a revoked server is not resumed); what cannot
   * change for the same bytes (signatures, key usage) is not verified again.
   */
  private boolean stillValid(SessionState s) {
    if (context.revocationChecker() == null || s.peerCertificates().isEmpty()) {
      return true;
    }
    try {
      context.validator().recheck(s.peerCertificates(), CertificatePathValidator.PeerRole.SERVER,
          context.clock().instant(), context.revocationChecker());
      return true;
    } catch (TlcpAlertException e) {
      return false;
    }
  }

  @Override
  void consume(int type, byte[] body, byte[] hashBefore) throws TlcpAlertException {
    switch (type) {
      case HandshakeType.SERVER_HELLO -> consumeServerHello(body);
      case HandshakeType.CERTIFICATE -> consumeCertificate(body);
      case HandshakeType.SERVER_KEY_EXCHANGE -> consumeServerKeyExchange(body);
      case HandshakeType.CERTIFICATE_REQUEST -> consumeCertificateRequest(body);
      case HandshakeType.SERVER_HELLO_DONE -> consumeServerHelloDone(body);
      case HandshakeType.NEW_SESSION_TICKET -> consumeNewSessionTicket(body);
      case HandshakeType.CHANGE_CIPHER_SPEC -> moveTo(HandshakeState.CLIENT_WAIT_FINISHED);
      case HandshakeType.FINISHED -> consumeFinished(body, hashBefore);
      default -> throw new IllegalStateException("state table let " + type + " through");
    }
  }

  private void consumeServerHello(byte[] body) throws TlcpAlertException {
    ServerHello hello = ServerHello.parse(body);
    if (hello.version() != ContentType.VERSION) {
      throw new TlcpAlertException(Alert.PROTOCOL_VERSION,
          "ServerHello version 0x" + Integer.toHexString(hello.version()) + " is not TLCP 0x0101");
    }
    suite = TlcpCipherSuite.of(hello.cipherSuite());
    if (suite == null || !offered.contains(suite)) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER,
          "server chose suite 0x" + Integer.toHexString(hello.cipherSuite()) + " we did not offer");
    }
    if (hello.compressionMethod() != 0) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "server chose compression");
    }
    Extension ticketExtension = Extension.find(hello.extensions(), Extension.SESSION_TICKET);
    if (ticketExtension != null && (!context.clientSessionTickets() || ticketExtension.data().length != 0)) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "unsolicited or non-empty session_ticket extension");
    }
    ticketExpected = ticketExtension != null;
    serverRandom = hello.random();
    serverSessionId = hello.sessionId();
    if (cached != null && offeredSessionId.length > 0 && Arrays.equals(serverSessionId, offeredSessionId)) {
      if (suite != cached.suite()) {
        throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "resumed session with a different suite");
      }
      notifyListenerOnResumption(cached);
      resumed = true;
      masterSecret = cached.masterSecret().clone();
      keysFromMaster();
      engine.setPendingRead(protections.serverWrite());
      moveTo(ticketExpected ? HandshakeState.CLIENT_WAIT_TICKET : HandshakeState.CLIENT_WAIT_CHANGE_CIPHER_SPEC);
    } else {
      moveTo(HandshakeState.CLIENT_WAIT_CERTIFICATE);
    }
  }

  private void consumeCertificate(byte[] body) throws TlcpAlertException {
    CertificateMessage m = CertificateMessage.parse(body);
    if (m.certificates().isEmpty()) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "server sent no certificate");
    }
    server = context.validator().validate(m.certificates(), CertificatePathValidator.PeerRole.SERVER,
        context.clock().instant(), context.revocationChecker());
    if (server.encryptionKey() == null) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "server sent no encryption certificate");
    }
    String host = engine.getPeerHost();
    if (context.hostnameVerification() && host != null
        && !HostnameChecker.matches(server.signingCertificate(), host)) {
      throw new TlcpAlertException(Alert.CERTIFICATE_UNKNOWN,
          "server certificate does not name host " + host);
    }
    notifyListener(server);
    moveTo(HandshakeState.CLIENT_WAIT_KEY_EXCHANGE);
  }

  private void consumeServerKeyExchange(byte[] body) throws TlcpAlertException {
    ServerKeyExchange m = ServerKeyExchange.parse(body, suite.keyExchange());
    byte[] params;
    if (suite.keyExchange() == KeyExchange.ECDHE) {
      serverPoint = m.ecdhPoint();
      params = EcdhParams.encode(serverPoint);
    } else {
      params = ServerKeyExchange.eccParams(server.path().get(1));
    }
    if (!crypto.sm2Verify(server.signingKey(),
        ServerKeyExchange.signedData(clientRandom, serverRandom, params), m.signature())) {
      throw new TlcpAlertException(Alert.DECRYPT_ERROR, "ServerKeyExchange signature does not verify");
    }
    moveTo(HandshakeState.CLIENT_WAIT_REQUEST_OR_DONE);
  }

  private void consumeCertificateRequest(byte[] body) throws TlcpAlertException {
    CertificateRequest.parse(body);
    certificateRequested = true;
    moveTo(HandshakeState.CLIENT_WAIT_HELLO_DONE);
  }

  /** What our CertificateVerify signs, in the form the context names. */
  private byte[] certificateVerifyInput() throws TlcpAlertException {
    if (context.peerProfile() == PeerProfile.TONGSUO) {
      return transcript.hash();
    }
    byte[] messages = transcript.messages();
    if (messages == null) {
      throw new TlcpAlertException(Alert.INTERNAL_ERROR,
          "handshake larger than " + Transcript.MAX_KEPT_MESSAGES + " bytes: no GmSSL-form CertificateVerify");
    }
    return messages;
  }

  private void consumeServerHelloDone(byte[] body) throws TlcpAlertException {
    ServerHelloDone.parse(body);
    boolean ecdheSuite = suite.keyExchange() == KeyExchange.ECDHE;
    if (ecdheSuite && !certificateRequested) {
      throw new TlcpAlertException(Alert.HANDSHAKE_FAILURE, "ECDHE server did not request our certificates");
    }
    boolean authenticate = certificateRequested && identity != null;
    if (certificateRequested) {
      if (authenticate) {
        // ECC suites need no encryption certificate from us; GmSSL's server takes any certificate
        // after the first for a CA and refuses the encryption certificate's key usage.
        boolean signingOnly = context.peerProfile() == PeerProfile.GMSSL && suite.keyExchange() == KeyExchange.ECC;
        sendEncoded(signingOnly ? identity.signingCertificateMessage() : identity.certificateMessage());
      } else {
        send(new CertificateMessage(List.of()));
      }
    }
    byte[] preMaster;
    if (ecdheSuite) {
      EcdheKeyExchange exchange = new EcdheKeyExchange(crypto, false);
      preMaster = exchange.preMasterSecret(identity.encryptionKey(), server.encryptionKey(), serverPoint);
      send(new ClientKeyExchange(KeyExchange.ECDHE, exchange.point(), context.peerProfile() == PeerProfile.GMSSL));
    } else {
      EccKeyExchange.ClientSide ecc = EccKeyExchange.client(crypto, server.encryptionKey());
      preMaster = ecc.preMasterSecret();
      send(new ClientKeyExchange(KeyExchange.ECC, ecc.encryptedPreMasterSecret()));
    }
    deriveKeys(preMaster);
    if (authenticate) {
      send(new CertificateVerify(crypto.sm2Sign(identity.signingKey(), certificateVerifyInput())));
    }
    transcript.dropMessages();
    sendChangeCipherSpecAndFinished(true);
    engine.setPendingRead(protections.serverWrite());
    moveTo(ticketExpected ? HandshakeState.CLIENT_WAIT_TICKET : HandshakeState.CLIENT_WAIT_CHANGE_CIPHER_SPEC);
  }

  private void consumeNewSessionTicket(byte[] body) throws TlcpAlertException {
    NewSessionTicket m = NewSessionTicket.parse(body);
    if (m.ticket().length > 0) {
      ticket = m.ticket();
      ticketLifetime = m.lifetimeHint();
    }
    moveTo(HandshakeState.CLIENT_WAIT_CHANGE_CIPHER_SPEC);
  }

  private void consumeFinished(byte[] body, byte[] hashBefore) throws TlcpAlertException {
    checkFinished(body, hashBefore, false);
    moveTo(HandshakeState.DONE);
    SessionState s;
    if (resumed) {
      sendChangeCipherSpecAndFinished(true);
      s = ticket != null ? cached.withTicket(ticket, ticketLifetime) : cached;
    } else {
      s = new SessionState(serverSessionId, suite, masterSecret, server.path(),
          context.clock().millis(), server.notAfterMillis(), ticket, ticketLifetime);
    }
    if (engine.sessionCreation() && (s.id().length > 0 || s.ticket() != null)) {
      context.sessionCache().putClient(peerKey, s);
    }
    engine.handshakeDone(s, resumed);
  }
}
