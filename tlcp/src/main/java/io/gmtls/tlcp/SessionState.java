package io.gmtls.tlcp;

import java.util.List;

/**
 * What a TLCP session keeps for resumption (GB/T 38636-2020 clause 6.4.4): the negotiated suite,
 * the master secret and the peer's certificates as DER (materialised into X509Certificate only on
 * request, so an idle connection holds a few hundred bytes per certificate). Immutable.
 *
 * @param id session ID (empty when only a ticket identifies the session)
 * @param peerCertificates the peer's verified path (signing first, then encryption, then the
 *     CAs below the anchor), empty if none; never the certificates the peer sent beside it
 * @param notAfterMillis earliest notAfter of the verified peer chains, MAX_VALUE without peer certs
 * @param ticket the ticket the server gave a client (client side only), or null
 */
record SessionState(byte[] id, TlcpCipherSuite suite, byte[] masterSecret,
    List<byte[]> peerCertificates, long creationMillis, long notAfterMillis, byte[] ticket,
    long ticketLifetimeSeconds) {

  SessionState withTicket(byte[] newTicket, long lifetimeSeconds) {
    return new SessionState(id, suite, masterSecret, peerCertificates, creationMillis,
        notAfterMillis, newTicket, lifetimeSeconds);
  }

  @Override
  public String toString() {
    return "SessionState[suite=" + suite + ", id=" + id.length + " bytes, peerCertificates="
        + peerCertificates.size() + ", created=" + creationMillis + "]";
  }
}
