package io.gmtls.tlcp.handshake;

import static io.gmtls.tlcp.message.HandshakeType.CERTIFICATE;
import static io.gmtls.tlcp.message.HandshakeType.CERTIFICATE_REQUEST;
import static io.gmtls.tlcp.message.HandshakeType.CERTIFICATE_VERIFY;
import static io.gmtls.tlcp.message.HandshakeType.CHANGE_CIPHER_SPEC;
import static io.gmtls.tlcp.message.HandshakeType.CLIENT_HELLO;
import static io.gmtls.tlcp.message.HandshakeType.CLIENT_KEY_EXCHANGE;
import static io.gmtls.tlcp.message.HandshakeType.FINISHED;
import static io.gmtls.tlcp.message.HandshakeType.NEW_SESSION_TICKET;
import static io.gmtls.tlcp.message.HandshakeType.SERVER_HELLO;
import static io.gmtls.tlcp.message.HandshakeType.SERVER_HELLO_DONE;
import static io.gmtls.tlcp.message.HandshakeType.SERVER_KEY_EXCHANGE;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.message.HandshakeType;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The handshake state machine of GB/T 38636-2020 clause 6.4.2 (figures 2 and 3), for both
 * roles: what each state accepts from the peer and which states may follow it. Every consumer
 * calls {@link #expect} first, and every state change goes through {@link #next}, so a message
 * out of order is an unexpected_message however the code around it evolves.
 *
 * <pre>
 * server, full:        START -ClientHello-&gt; [WAIT_CERTIFICATE -Certificate-&gt;] WAIT_KEY_EXCHANGE
 *                      -ClientKeyExchange-&gt; [WAIT_CERTIFICATE_VERIFY -CertificateVerify-&gt;]
 *                      WAIT_CHANGE_CIPHER_SPEC -CCS-&gt; WAIT_FINISHED -Finished-&gt; DONE
 * server, resumed:     START -ClientHello-&gt; WAIT_CHANGE_CIPHER_SPEC -CCS-&gt; WAIT_FINISHED -Finished-&gt; DONE
 * client, full:        WAIT_SERVER_HELLO -&gt; WAIT_CERTIFICATE -&gt; WAIT_KEY_EXCHANGE
 *                      -&gt; WAIT_REQUEST_OR_DONE [-CertificateRequest-&gt; WAIT_HELLO_DONE] -ServerHelloDone-&gt;
 *                      [WAIT_TICKET -NewSessionTicket-&gt;] WAIT_CHANGE_CIPHER_SPEC -&gt; WAIT_FINISHED -&gt; DONE
 * client, resumed:     WAIT_SERVER_HELLO -&gt; [WAIT_TICKET -&gt;] WAIT_CHANGE_CIPHER_SPEC -&gt; WAIT_FINISHED -&gt; DONE
 * </pre>
 */
public enum HandshakeState {
  SERVER_START(CLIENT_HELLO),
  SERVER_WAIT_CERTIFICATE(CERTIFICATE),
  SERVER_WAIT_KEY_EXCHANGE(CLIENT_KEY_EXCHANGE),
  SERVER_WAIT_CERTIFICATE_VERIFY(CERTIFICATE_VERIFY),
  SERVER_WAIT_CHANGE_CIPHER_SPEC(CHANGE_CIPHER_SPEC),
  SERVER_WAIT_FINISHED(FINISHED),
  CLIENT_START(),
  CLIENT_WAIT_SERVER_HELLO(SERVER_HELLO),
  CLIENT_WAIT_CERTIFICATE(CERTIFICATE),
  CLIENT_WAIT_KEY_EXCHANGE(SERVER_KEY_EXCHANGE),
  CLIENT_WAIT_REQUEST_OR_DONE(CERTIFICATE_REQUEST, SERVER_HELLO_DONE),
  CLIENT_WAIT_HELLO_DONE(SERVER_HELLO_DONE),
  CLIENT_WAIT_TICKET(NEW_SESSION_TICKET),
  CLIENT_WAIT_CHANGE_CIPHER_SPEC(CHANGE_CIPHER_SPEC),
  CLIENT_WAIT_FINISHED(FINISHED),
  DONE();

  private static final Map<HandshakeState, Set<HandshakeState>> NEXT = new EnumMap<>(HandshakeState.class);

  static {
    NEXT.put(SERVER_START, EnumSet.of(SERVER_WAIT_CERTIFICATE, SERVER_WAIT_KEY_EXCHANGE,
        SERVER_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(SERVER_WAIT_CERTIFICATE, EnumSet.of(SERVER_WAIT_KEY_EXCHANGE));
    NEXT.put(SERVER_WAIT_KEY_EXCHANGE, EnumSet.of(SERVER_WAIT_CERTIFICATE_VERIFY,
        SERVER_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(SERVER_WAIT_CERTIFICATE_VERIFY, EnumSet.of(SERVER_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(SERVER_WAIT_CHANGE_CIPHER_SPEC, EnumSet.of(SERVER_WAIT_FINISHED));
    NEXT.put(SERVER_WAIT_FINISHED, EnumSet.of(DONE));
    NEXT.put(CLIENT_START, EnumSet.of(CLIENT_WAIT_SERVER_HELLO));
    NEXT.put(CLIENT_WAIT_SERVER_HELLO, EnumSet.of(CLIENT_WAIT_CERTIFICATE, CLIENT_WAIT_TICKET,
        CLIENT_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(CLIENT_WAIT_CERTIFICATE, EnumSet.of(CLIENT_WAIT_KEY_EXCHANGE));
    NEXT.put(CLIENT_WAIT_KEY_EXCHANGE, EnumSet.of(CLIENT_WAIT_REQUEST_OR_DONE));
    NEXT.put(CLIENT_WAIT_REQUEST_OR_DONE, EnumSet.of(CLIENT_WAIT_HELLO_DONE, CLIENT_WAIT_TICKET,
        CLIENT_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(CLIENT_WAIT_HELLO_DONE, EnumSet.of(CLIENT_WAIT_TICKET, CLIENT_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(CLIENT_WAIT_TICKET, EnumSet.of(CLIENT_WAIT_CHANGE_CIPHER_SPEC));
    NEXT.put(CLIENT_WAIT_CHANGE_CIPHER_SPEC, EnumSet.of(CLIENT_WAIT_FINISHED));
    NEXT.put(CLIENT_WAIT_FINISHED, EnumSet.of(DONE));
    NEXT.put(DONE, EnumSet.noneOf(HandshakeState.class));
  }

  private final int[] accepted;

  HandshakeState(int... accepted) {
    this.accepted = accepted;
  }

  /** Whether a message of that type (or {@link HandshakeType#CHANGE_CIPHER_SPEC}) may come now. */
  public boolean accepts(int type) {
    for (int a : accepted) {
      if (a == type) {
        return true;
      }
    }
    return false;
  }

  /** Fails with unexpected_message unless {@link #accepts}. */
  public void expect(int type) throws TlcpAlertException {
    if (!accepts(type)) {
      throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE,
          HandshakeType.name(type) + " not expected in state " + this);
    }
  }

  /** Returns {@code to} if the table allows it; a disallowed transition is a bug, not input. */
  public HandshakeState next(HandshakeState to) {
    if (!NEXT.get(this).contains(to)) {
      throw new IllegalStateException("no transition " + this + " -> " + to);
    }
    return to;
  }
}
