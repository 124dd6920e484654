package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;

class RelayHandlerTest {

    static final InetSocketAddress BROKER = new InetSocketAddress("127.0.0.1", 1883);

    final DuplexEmbeddedChannel front = new DuplexEmbeddedChannel();
    final DuplexEmbeddedChannel back = new DuplexEmbeddedChannel();
    final ConnectionState state = new ConnectionState("gw-1", front);

    @AfterEach
    void release() {
        TestRelay.finish(front);
        TestRelay.finish(back);
    }

    private TestRelay relay(boolean plaintext, List<InetSocketAddress> upstreams) {
        return new TestRelay(plaintext, upstreams, false, TestRelay.embedded(back));
    }

    /** A TLS connection whose client was identified: relaying to {@link #back}. */
    private TestRelay relaying() throws Exception {
        TestRelay relay = relay(false, List.of(BROKER));
        TestRelay.active(front, new RelayHandler(relay.rc, state));
        state.handshake("TLCPv1.1", "ECC-SM2-SM4-GCM-SM3", null);
        front.pipeline().fireUserEventTriggered(new ClientIdentified(
                new HandshakeFacts("TLCPv1.1", "ECC-SM2-SM4-GCM-SM3", null, List.of())));
        front.runPendingTasks();
        assertThat(state.back()).isSameAs(back);
        return relay;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String read(DuplexEmbeddedChannel channel) {
        ByteBuf buf = channel.readOutbound();
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    @Test
    void anIdentifiedClientIsRelayedBothWaysAndCounted() throws Exception {
        relaying();
        assertThat(state.upstream()).isEqualTo("g/127.0.0.1:1883");
        assertThat(front.config().isAutoRead()).isTrue();
        assertThat(back.config().isAutoRead()).isTrue();

        front.writeInbound(text("CONNECT"));
        assertThat(read(back)).isEqualTo("CONNECT");
        back.writeInbound(text("CONNACK!"));
        assertThat(read(front)).isEqualTo("CONNACK!");

        assertThat(state.bytesUp()).isEqualTo(7);
        assertThat(state.bytesDown()).isEqualTo(8);
    }

    @Test
    void aSideThatCannotTakeMoreStopsTheOtherFromReading() throws Exception {
        relaying();
        back.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        front.writeInbound(text("publish"));
        assertThat(front.config().isAutoRead()).as("client paused while the upstream is full").isFalse();
        back.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        front.runPendingTasks(); // Netty fires the change in a task of its own
        assertThat(front.config().isAutoRead()).isTrue();

        front.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        back.writeInbound(text("deliver"));
        assertThat(back.config().isAutoRead()).as("upstream paused while the client is full").isFalse();
        front.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        front.runPendingTasks();
        assertThat(back.config().isAutoRead()).isTrue();
        read(back);
        read(front);
    }

    @Test
    void aClientFinIsForwardedAndTheUpstreamFinThenClosesAsClientClosed() throws Exception {
        relaying();
        front.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(back.isOutputShutdown()).isTrue();
        assertThat(front.isOpen()).as("the upstream may still answer").isTrue();
        back.writeInbound(text("last words"));
        assertThat(read(front)).isEqualTo("last words");

        back.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(front.isOpen()).isFalse();
        assertThat(back.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("client_closed");
    }

    @Test
    void anUpstreamFinIsForwardedAndTheClientFinThenClosesAsUpstreamClosed() throws Exception {
        relaying();
        back.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(front.isOutputShutdown()).isTrue();
        assertThat(back.isOpen()).isTrue();

        front.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(front.isOpen()).isFalse();
        assertThat(back.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("upstream_closed");
    }

    @Test
    void aClosedClientClosesTheUpstream() throws Exception {
        relaying();
        front.close();
        front.runPendingTasks();
        assertThat(back.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("client_closed");
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        relaying();
        front.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(front.isOpen()).isFalse();
        assertThat(back.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("idle_timeout");
    }

    @Test
    void aRefusedConnectTriesTheNextServerThenClosesWithNoUpstream() throws Exception {
        TestRelay relay = new TestRelay(false, List.of(BROKER, new InetSocketAddress("127.0.0.1", 1884)), false,
                TestRelay.refusing());
        TestRelay.active(front, new RelayHandler(relay.rc, state));
        front.pipeline().fireUserEventTriggered(new ClientIdentified(
                new HandshakeFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", null, List.of())));
        assertThat(front.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("no_upstream");
        String scrape = relay.metrics.scrape();
        assertThat(scrape).containsPattern("gateway_upstream_connect_failures_total\\{[^}]*server=\"127.0.0.1:1883\"[^}]*\\} 1\\.0");
        assertThat(scrape).containsPattern("gateway_upstream_connect_failures_total\\{[^}]*server=\"127.0.0.1:1884\"[^}]*\\} 1\\.0");
        assertThat(scrape).containsPattern("gateway_connections_refused_total\\{[^}]*reason=\"no_upstream\"[^}]*\\} 1\\.0");
    }

    @Test
    void dataBeforeTheClientIsIdentifiedIsRefused() throws Exception {
        TestRelay relay = relay(false, List.of(BROKER));
        TestRelay.active(front, new RelayHandler(relay.rc, state));
        ByteBuf early = text("early");
        front.writeInbound(early);
        assertThat(early.refCnt()).isZero();
        assertThat(front.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("data_before_handshake");
    }

    @Test
    void aPlaintextListenerConnectsAtOnce() throws Exception {
        TestRelay relay = relay(true, List.of(BROKER));
        TestRelay.active(front, new RelayHandler(relay.rc, state));
        front.runPendingTasks();
        assertThat(state.back()).isSameAs(back);
        front.writeInbound(text("raw"));
        assertThat(read(back)).as("no PPv2 header when the group sends none").isEqualTo("raw");
    }
}
