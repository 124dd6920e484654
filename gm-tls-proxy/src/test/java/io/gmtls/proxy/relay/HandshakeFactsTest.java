package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.junit.jupiter.api.Test;

import io.gmtls.tlcp.UnreadablePeerSessions;
import io.netty.channel.embedded.EmbeddedChannel;

/** After client authentication the relay never reads "no certificate" (issue 11 item 1, gateway side). */
class HandshakeFactsTest {

    @Test
    void authenticatedTlcpClientWhoseCertificatesCannotBeReadIsNeverTakenForAnonymous() {
        EmbeddedChannel channel = new EmbeddedChannel();
        assertThatThrownBy(() -> HandshakeFacts.of(channel,
                UnreadablePeerSessions.authenticatedWithUnreadableCertificates()))
                .isInstanceOf(SSLPeerUnverifiedException.class)
                .hasMessageContaining("authenticated");
        channel.finishAndReleaseAll();
    }

    @Test
    void tlcpClientWithoutCertificatesIsAnonymous() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        HandshakeFacts facts = HandshakeFacts.of(channel, UnreadablePeerSessions.anonymous());
        assertThat(facts.peerChain()).isEmpty();
        assertThat(facts.signingCertificate()).isNull();
        assertThat(facts.protocol()).isEqualTo("TLCPv1.1");
        channel.finishAndReleaseAll();
    }
}
