package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;

/**
 * RFC 5077 clause 3.3 (Tongsuo sends it in TLCP too):
 * <pre>
 * struct { uint32 ticket_lifetime_hint; opaque ticket&lt;0..2^16-1&gt;; } NewSessionTicket;
 * </pre>
 */
public final class NewSessionTicket implements HandshakeMessage {

  private final long lifetimeHint;
  private final byte[] ticket;

  public NewSessionTicket(long lifetimeHint, byte[] ticket) {
    this.lifetimeHint = lifetimeHint;
    this.ticket = ticket.clone();
  }

  /** Parses a NewSessionTicket body. */
  public static NewSessionTicket parse(byte[] body) throws TlcpAlertException {
    MessageReader r = new MessageReader(body, "NewSessionTicket");
    long hint = r.u32();
    byte[] ticket = r.vector16(0);
    r.expectEnd();
    return new NewSessionTicket(hint, ticket);
  }

  @Override
  public int type() {
    return HandshakeType.NEW_SESSION_TICKET;
  }

  @Override
  public byte[] body() {
    return new MessageWriter(6 + ticket.length).u32(lifetimeHint).vector16(ticket).toByteArray();
  }

  /** Seconds. */
  public long lifetimeHint() {
    return lifetimeHint;
  }

  public byte[] ticket() {
    return ticket.clone();
  }

  @Override
  public String toString() {
    return "NewSessionTicket[lifetime=" + lifetimeHint + "s, " + ticket.length + " bytes]";
  }
}
