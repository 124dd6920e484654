package io.gmtls.tlcp;

import io.gmtls.tlcp.crypto.Sm4Gcm;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.message.MessageReader;
import io.gmtls.tlcp.message.MessageWriter;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Session ticket format (ours; RFC 5077 clause 4 leaves it to the server):
 * <pre>
 * struct {
 *   opaque key_name[16];
 *   opaque nonce[12];
 *   opaque encrypted_state&lt;..&gt;;       -- SM4-GCM(key, nonce, aad = key_name), tag appended
 * } ticket;
 * struct {
 *   uint8 format;                       -- 2
 *   opaque trust_anchors[32];           -- SM3 fingerprint of the issuing context's anchor set
 *   uint16 cipher_suite;
 *   opaque master_secret[48];
 *   uint64 creation_time_ms;
 *   uint64 not_after_ms;                -- earliest notAfter of the verified peer chains
 *   ASN.1Cert peer_certificates&lt;0..2^24-1&gt;;   -- the verified path only
 * } state;
 * </pre>
 * A ticket opens only in a context with the same trust anchors: ticket keys may be shared by
 * contexts that trust different CAs, and a peer verified under one must not resume under another.
 * Format 1 tickets (no anchors) no longer open; their clients make a full handshake.
 */
final class TicketCodec {

  private static final int FORMAT = 2;
  private static final int FINGERPRINT = 32;
  private static final int NAME = 16;
  private static final int NONCE = 12;
  /** Tickets travel in a uint16 vector. */
  static final int MAX_TICKET = 65535;

  private TicketCodec() {
  }

  record Opened(SessionState state, boolean renew) {
  }

  /**
   * The ticket for {@code s}, made under the anchors {@code anchorsFingerprint}, or null if the
   * state would not fit in a ticket.
   */
  static byte[] seal(TlcpCrypto crypto, TicketKeySet keys, SessionState s, byte[] anchorsFingerprint) {
    MessageWriter w = new MessageWriter(128);
    w.u8(FORMAT).bytes(anchorsFingerprint).u16(s.suite().id()).bytes(s.masterSecret());
    w.u32(s.creationMillis() >>> 32).u32(s.creationMillis());
    w.u32(s.notAfterMillis() >>> 32).u32(s.notAfterMillis());
    MessageWriter certs = new MessageWriter(1024);
    for (byte[] c : s.peerCertificates()) {
      certs.vector24(c);
    }
    w.vector24(certs.toByteArray());
    byte[] state = w.toByteArray();
    if (NAME + NONCE + state.length + Sm4Gcm.TAG > MAX_TICKET) {
      return null;
    }
    TicketKeySet.Key key = keys.current();
    byte[] ticket = new byte[NAME + NONCE + state.length + Sm4Gcm.TAG];
    System.arraycopy(key.name, 0, ticket, 0, NAME);
    byte[] nonce = new byte[NONCE];
    crypto.random().nextBytes(nonce);
    System.arraycopy(nonce, 0, ticket, NAME, NONCE);
    System.arraycopy(state, 0, ticket, NAME + NONCE, state.length);
    Arrays.fill(state, (byte) 0);
    crypto.sm4Gcm(key.secret, true).seal(nonce, key.name, ticket, NAME + NONCE, state.length);
    return ticket;
  }

  /**
   * The state in {@code ticket}, or null if no current key opens it, it is malformed, or it was
   * made under other trust anchors than {@code anchorsFingerprint}.
   */
  static Opened open(TlcpCrypto crypto, TicketKeySet keys, byte[] ticket, byte[] anchorsFingerprint) {
    if (ticket.length < NAME + NONCE + Sm4Gcm.TAG) {
      return null;
    }
    TicketKeySet.Key key = keys.find(ticket, 0);
    if (key == null) {
      return null;
    }
    byte[] buf = ticket.clone();
    byte[] nonce = Arrays.copyOfRange(buf, NAME, NAME + NONCE);
    int n;
    try {
      n = crypto.sm4Gcm(key.secret, false).open(nonce, key.name, buf, NAME + NONCE,
          buf.length - NAME - NONCE);
    } catch (AEADBadTagException e) {
      return null;
    }
    byte[] state = Arrays.copyOfRange(buf, NAME + NONCE, NAME + NONCE + n);
    Arrays.fill(buf, (byte) 0);
    try {
      MessageReader r = new MessageReader(state, "ticket");
      if (r.u8() != FORMAT) {
        return null;
      }
      if (!MessageDigest.isEqual(r.bytes(FINGERPRINT), anchorsFingerprint)) {
        return null;
      }
      TlcpCipherSuite suite = TlcpCipherSuite.of(r.u16());
      byte[] master = r.bytes(48);
      long created = (r.u32() << 32) | r.u32();
      long notAfter = (r.u32() << 32) | r.u32();
      MessageReader certs = new MessageReader(r.vector24(0), "ticket certificates");
      r.expectEnd();
      List<byte[]> list = new ArrayList<>();
      while (certs.remaining() > 0) {
        list.add(certs.vector24(1));
      }
      if (suite == null) {
        return null;
      }
      return new Opened(new SessionState(new byte[0], suite, master, List.copyOf(list), created,
          notAfter, null, 0), key != keys.current());
    } catch (TlcpAlertException e) {
      return null;
    } finally {
      Arrays.fill(state, (byte) 0);
    }
  }
}
