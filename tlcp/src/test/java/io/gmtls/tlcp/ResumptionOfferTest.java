package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link TlcpContext#offersResumableSession}: what a gateway's admission asks before any
 * cryptography — a session ID the server cache holds fresh, or a ticket naming one of the ticket
 * keys.
 */
class ResumptionOfferTest {

  @Test
  void aSessionIdIsAnOfferWhileTheServerCacheHoldsItFresh() throws Exception {
    TlcpContext server = TestPki.server().build();
    TlcpContext client = TestPki.client().build();
    EnginePair first = EnginePair.of(client, server).handshake();
    assertThat(first.server.error).isNull();
    byte[] id = first.server.engine.getSession().getId();
    assertThat(id).isNotEmpty();

    assertThat(server.offersResumableSession(id, null)).isTrue();
    byte[] other = id.clone();
    other[0] ^= 1;
    assertThat(server.offersResumableSession(other, new byte[0])).isFalse();
    assertThat(server.offersResumableSession(new byte[0], null)).isFalse();
    assertThat(TestPki.server().build().offersResumableSession(id, null)).as("another server's cache").isFalse();

    first.server.engine.getSession().invalidate();
    assertThat(server.offersResumableSession(id, null)).as("invalidated").isFalse();
  }

  @Test
  void aTicketIsAnOfferWhenItNamesOneOfTheTicketKeys() {
    TicketKeySet keys = TicketKeySet.generate();
    byte[] name = HexFormat.of().parseHex(keys.currentKeyName());
    byte[] ticket = Arrays.copyOf(name, name.length + 64);
    TlcpContext server = TestPki.server().ticketKeys(keys).build();
    assertThat(keys.namesKey(ticket)).isTrue();
    assertThat(server.offersResumableSession(null, ticket)).isTrue();

    byte[] unknown = ticket.clone();
    unknown[3] ^= 1;
    assertThat(server.offersResumableSession(null, unknown)).isFalse();
    assertThat(keys.namesKey(name)).as("a name and nothing else").isFalse();
    assertThat(keys.namesKey(null)).isFalse();
    assertThat(TestPki.server().build().offersResumableSession(null, ticket)).as("no ticket keys").isFalse();
  }
}
