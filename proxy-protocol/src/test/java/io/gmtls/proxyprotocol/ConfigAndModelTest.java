package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Configuration records and model values are validated when built, with errors that name the culprit. */
class ConfigAndModelTest {

    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 1);

    @Test
    void headerOptionsParseConfigNames() {
        HeaderOptions options = HeaderOptions.parse("groups.brokers.ppv2", List.of("ssl-cipher", "cert-serial", "crc32c"), 500);

        assertThat(options.include()).containsExactlyInAnyOrder(OptionalTlv.SSL_CIPHER, OptionalTlv.CERT_SERIAL);
        assertThat(options.crc32c()).isTrue();
        assertThat(HeaderOptions.parse("k", List.of(), 500).include()).isEmpty();
        assertThat(HeaderOptions.defaults().include()).isEqualTo(EnumSet.allOf(OptionalTlv.class));
        assertThat(HeaderOptions.defaults().crc32c()).isFalse();
    }

    @Test
    void headerOptionsErrorsNameTheKey() {
        assertThatThrownBy(() -> HeaderOptions.parse("groups.brokers.ppv2", List.of("ssl-cn"), 500))
                .hasMessageStartingWith("groups.brokers.ppv2: unknown PPv2 option 'ssl-cn'")
                .hasMessageContaining("cert-issuer");
        assertThatThrownBy(() -> HeaderOptions.parse("k", List.of("crc32c", "crc32c"), 500)).hasMessageContaining("twice");
        assertThatThrownBy(() -> HeaderOptions.parse("k", List.of("authority", "authority"), 500)).hasMessageContaining("twice");
        assertThatThrownBy(() -> HeaderOptions.parse("k", List.of(), 63)).hasMessageStartingWith("k: maxHeaderBytes");
        assertThatThrownBy(() -> HeaderOptions.parse("k", List.of(), 65552)).hasMessageContaining("65551");
    }

    @Test
    void receiverSettingsAreRangeChecked() {
        assertThat(ReceiverSettings.defaults().maxHeaderBytes()).isEqualTo(500);
        assertThatThrownBy(() -> ReceiverSettings.defaults().withMaxHeaderBytes(27)).hasMessageContaining("maxHeaderBytes");
        assertThatThrownBy(() -> ReceiverSettings.defaults().withHeaderTimeout(Duration.ZERO)).hasMessageContaining("headerTimeout");
        assertThatThrownBy(() -> ReceiverSettings.defaults().withHeaderTimeout(Duration.ofHours(1))).hasMessageContaining("headerTimeout");
    }

    @Test
    void connectionIdBounds() {
        assertThat(ConnectionId.of("gw1-42").asText()).isEqualTo("gw1-42");
        assertThat(ConnectionId.of(new byte[128]).bytes()).hasSize(128);
        assertThatThrownBy(() -> ConnectionId.of(new byte[129])).hasMessageContaining("1..128");
        assertThatThrownBy(() -> ConnectionId.of("")).hasMessageContaining("1..128");
        byte[] raw = {1, 2};
        ConnectionId id = ConnectionId.of(raw);
        raw[0] = 9;
        assertThat(id.bytes()).containsExactly(1, 2);
        assertThat(id).isEqualTo(ConnectionId.of(new byte[] {1, 2})).hasSameHashCodeAs(ConnectionId.of(new byte[] {1, 2}));
    }

    @Test
    void factsRefuseValuesTheDecoderWouldRefuse() {
        assertThatThrownBy(() -> facts(Optional.of("bad host\u0000"), Optional.empty()))
                .hasMessageContaining("AUTHORITY");
        assertThatThrownBy(() -> facts(Optional.of("x".repeat(256)), Optional.empty()))
                .hasMessageContaining("AUTHORITY").hasMessageContaining("256");
        assertThatThrownBy(() -> facts(Optional.empty(), Optional.of("ABC")))
                .hasMessageContaining("CERT_SERIAL");
        assertThatThrownBy(() -> new ConnectionFacts(InetSocketAddress.createUnresolved("gw", 1), A,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> new TlsFacts(256, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty())).hasMessageContaining("clientFlags");
        assertThatThrownBy(() -> new TlsFacts(7, 0, Optional.of("TLS 1.3"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty())).hasMessageContaining("SSL_VERSION");
    }

    @Test
    void builderNeedsAddresses() {
        assertThatThrownBy(() -> ConnectionFacts.builder().destination(A).build()).hasMessageContaining("source");
    }

    private static ConnectionFacts facts(Optional<String> authority, Optional<String> serial) {
        return new ConnectionFacts(A, A, Optional.empty(), authority, Optional.empty(), serial, Optional.empty(), Optional.empty());
    }
}
