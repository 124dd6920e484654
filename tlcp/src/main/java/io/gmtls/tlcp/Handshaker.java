package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.HmacSm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.handshake.CertificatePathValidator;
import io.gmtls.tlcp.handshake.Certificates;
import io.gmtls.tlcp.handshake.HandshakeState;
import io.gmtls.tlcp.handshake.KeySchedule;
import io.gmtls.tlcp.handshake.Transcript;
import io.gmtls.tlcp.message.Finished;
import io.gmtls.tlcp.message.HandshakeMessage;
import io.gmtls.tlcp.message.HandshakeType;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * What both handshake roles share: the state machine, the transcript, the randoms and secrets of
 * this handshake, and the way messages go out. Lives only while the handshake runs; the engine
 * drops it (and with it the transcript, key exchange objects and certificate bytes) at the end.
 */
abstract class Handshaker {

  final TlcpEngine engine;
  final TlcpContext context;
  final TlcpCrypto crypto;
  final Transcript transcript;
  HandshakeState state;
  byte[] clientRandom;
  byte[] serverRandom;
  TlcpCipherSuite suite;
  byte[] masterSecret;
  /**
   * HMAC-SM3 keyed with {@link #masterSecret} (and the array it was keyed with), shared by the
   * key block's and both Finished messages' PRFs: one HMAC key set-up per handshake instead of
   * three. Dropped with the handshaker when the handshake ends.
   */
  private HmacSm3 masterMac;
  private byte[] masterMacKey;
  KeySchedule.Protections protections;
  /** The raw messages before the peer's CertificateVerify, when the transcript keeps them. */
  byte[] messagesBeforeCertificateVerify;

  /**
   * @param keepMessages whether the transcript keeps the raw messages too (for GmSSL's
   *                     CertificateVerify form), until {@link Transcript#dropMessages()}
   */
  Handshaker(TlcpEngine engine, HandshakeState initial, boolean keepMessages) {
    this.engine = engine;
    this.context = engine.context();
    this.crypto = context.crypto();
    this.transcript = new Transcript(crypto, keepMessages);
    this.state = initial;
  }

  /** Client: sends ClientHello. Server: nothing. */
  abstract void start() throws TlcpAlertException;

  /**
   * One message from the peer (or the ChangeCipherSpec record, with null message and body).
   * Checks the state table, hashes the message (keeping the hash before it for
   * CertificateVerify and Finished), then hands it to the role.
   */
  final void receive(int type, byte[] message, byte[] body) throws TlcpAlertException {
    state.expect(type);
    byte[] hashBefore = null;
    if (message != null) {
      if (type == HandshakeType.CERTIFICATE_VERIFY || type == HandshakeType.FINISHED) {
        hashBefore = transcript.hash();
      }
      if (type == HandshakeType.CERTIFICATE_VERIFY) {
        messagesBeforeCertificateVerify = transcript.messages();
        transcript.dropMessages();
      }
      transcript.add(message);
    }
    consume(type, body, hashBefore);
  }

  abstract void consume(int type, byte[] body, byte[] hashBefore) throws TlcpAlertException;

  void moveTo(HandshakeState next) {
    state = state.next(next);
  }

  void send(HandshakeMessage m) {
    sendEncoded(m.encode());
  }

  void sendEncoded(byte[] message) {
    message = context.outgoingHandshakeForTests().apply(message);
    transcript.add(message);
    engine.writeHandshake(message);
  }

  void deriveKeys(byte[] preMasterSecret) {
    masterSecret = KeySchedule.masterSecret(crypto, preMasterSecret, clientRandom, serverRandom);
    Arrays.fill(preMasterSecret, (byte) 0);
    keysFromMaster();
  }

  void keysFromMaster() {
    protections = KeySchedule.protections(crypto, suite, masterMac(), clientRandom, serverRandom);
  }

  /** {@link #masterMac}, keyed again whenever {@link #masterSecret} is another array. */
  private HmacSm3 masterMac() {
    if (masterMac == null || masterMacKey != masterSecret) {
      masterMac = crypto.hmacSm3(masterSecret);
      masterMacKey = masterSecret;
    }
    return masterMac;
  }

  /** Sends ChangeCipherSpec and our Finished over the transcript so far. */
  void sendChangeCipherSpecAndFinished(boolean client) {
    engine.changeWriteCipher(client ? protections.clientWrite() : protections.serverWrite());
    send(new Finished(KeySchedule.verifyData(masterMac(), client, transcript.hash())));
  }

  /** Checks the peer's Finished (decrypt_error on mismatch, GB/T 38636 6.4.5.10). */
  void checkFinished(byte[] body, byte[] hashBefore, boolean fromClient) throws TlcpAlertException {
    Finished f = Finished.parse(body);
    byte[] expected = KeySchedule.verifyData(masterMac(), fromClient, hashBefore);
    if (!MessageDigest.isEqual(expected, f.verifyData())) {
      throw new TlcpAlertException(Alert.DECRYPT_ERROR, "Finished verify_data does not match");
    }
  }

  byte[] random32() {
    byte[] r = new byte[32];
    crypto.random().nextBytes(r);
    return r;
  }

  /** Calls the application's hook with the verified certificates (access_denied if it refuses). */
  void notifyListener(CertificatePathValidator.Result verified) throws TlcpAlertException {
    notifyListener(verified.certificates());
  }

  /**
   * Resumption: the same hook with the verified path the session kept, so that a peer the
   * application now refuses does not come back through an old session. Nothing for a session
   * without peer certificates (as in a full handshake without them).
   */
  void notifyListenerOnResumption(SessionState resumed) throws TlcpAlertException {
    if (context.listener() == null || resumed.peerCertificates().isEmpty()) {
      return;
    }
    List<X509Certificate> path;
    try {
      path = Certificates.fromDer(resumed.peerCertificates());
    } catch (CertificateException e) {
      throw new TlcpAlertException(Alert.ACCESS_DENIED, "resumed session's certificates cannot be parsed", e);
    }
    notifyListener(path);
  }

  private void notifyListener(List<X509Certificate> path) throws TlcpAlertException {
    PeerCertificateListener listener = context.listener();
    if (listener == null) {
      return;
    }
    try {
      listener.peerVerified(List.copyOf(path));
    } catch (CertificateException e) {
      throw new TlcpAlertException(Alert.ACCESS_DENIED, "peer refused by the application: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new TlcpAlertException(Alert.INTERNAL_ERROR, "peer certificate listener failed", e);
    }
  }
}
