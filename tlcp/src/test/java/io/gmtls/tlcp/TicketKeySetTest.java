package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TicketKeySetTest {

  @TempDir
  Path dir;

  @Test
  void saveLoadRotateReload() throws Exception {
    Path file = dir.resolve("keys");
    TicketKeySet a = TicketKeySet.generate();
    a.save(file);
    TicketKeySet b = TicketKeySet.load(file);
    assertThat(b.currentKeyName()).isEqualTo(a.currentKeyName());
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    a.rotate();
    a.save(file);
    b.reload();
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.currentKeyName()).isEqualTo(a.currentKeyName());
    assertThat(a.toString()).doesNotContain(Files.readString(file).lines().skip(1).findFirst().orElseThrow()
        .split(" ")[1]);
  }

  @Test
  void ticketOpensOnlyWithItsKeyAndIsAuthenticated() {
    BcTlcpCrypto crypto = new BcTlcpCrypto();
    TicketKeySet keys = TicketKeySet.generate();
    SessionState s = new SessionState(new byte[0], TlcpCipherSuite.ECC_SM4_GCM_SM3, new byte[48],
        List.of(new byte[] {1, 2, 3}), 1000, 5000, null, 0);
    byte[] anchors = new byte[32];
    byte[] ticket = TicketCodec.seal(crypto, keys, s, anchors);
    TicketCodec.Opened opened = TicketCodec.open(crypto, keys, ticket, anchors);
    assertThat(opened.renew()).isFalse();
    assertThat(opened.state().suite()).isEqualTo(TlcpCipherSuite.ECC_SM4_GCM_SM3);
    assertThat(opened.state().peerCertificates().get(0)).containsExactly(1, 2, 3);
    assertThat(opened.state().notAfterMillis()).isEqualTo(5000);
    byte[] otherAnchors = new byte[32];
    otherAnchors[31] = 1;
    assertThat(TicketCodec.open(crypto, keys, ticket, otherAnchors)).as("made under other anchors").isNull();

    byte[] tampered = ticket.clone();
    tampered[40] ^= 1;
    assertThat(TicketCodec.open(crypto, keys, tampered, anchors)).isNull();
    assertThat(TicketCodec.open(crypto, keys, new byte[10], anchors)).isNull();
    keys.rotate();
    assertThat(TicketCodec.open(crypto, keys, ticket, anchors).renew()).isTrue();
    keys.rotate();
    keys.rotate();
    assertThat(TicketCodec.open(crypto, keys, ticket, anchors)).isNull();
    assertThat(TicketCodec.open(crypto, TicketKeySet.generate(), ticket, anchors)).isNull();
  }

  @Test
  void malformedFilesNameFileAndLine() throws Exception {
    Path file = dir.resolve("bad");
    Files.writeString(file, "# comment\n00112233445566778899aabbccddeeff zz\n");
    assertThatThrownBy(() -> TicketKeySet.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + ":2");
    Files.writeString(file, "# nothing\n");
    assertThatThrownBy(() -> TicketKeySet.load(file)).hasMessageContaining("no ticket key");
  }
}
