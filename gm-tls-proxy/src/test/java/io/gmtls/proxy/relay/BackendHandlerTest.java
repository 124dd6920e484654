package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gmtls.proxy.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

class BackendHandlerTest {

    /** The PPv2 signature every header starts with. */
    static final byte[] PPV2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    final DuplexEmbeddedChannel front = new DuplexEmbeddedChannel().addresses(
            new InetSocketAddress("127.0.0.1", 8883), new InetSocketAddress("10.1.2.3", 53422));
    final DuplexEmbeddedChannel back = new DuplexEmbeddedChannel();
    final ConnectionState state = new ConnectionState("gw-1-2a", front);
    final TestRelay relay = new TestRelay(false, List.of(RelayHandlerTest.BROKER), true, TestRelay.embedded(back));
    final RelayHandler relayHandler = new RelayHandler(relay.rc, state);
    final Upstream server = relay.rc.groups().get("g").servers().get(0);

    @AfterEach
    void release() {
        TestRelay.finish(front);
        TestRelay.finish(back);
    }

    @Test
    void onChannelActiveTheHeaderGoesFirstThenWhatTheClientSentMeanwhile() throws Exception {
        back.connected(false);
        TestRelay.active(front, relayHandler);
        front.pipeline().fireUserEventTriggered(new ClientIdentified(
                new HandshakeFacts("TLCPv1.1", "ECC-SM2-SM4-GCM-SM3", "broker.example", List.of())));
        front.runPendingTasks();
        assertThat(front.config().isAutoRead()).as("client paused until the upstream is ready").isFalse();
        front.writeInbound(Unpooled.copiedBuffer("CONNECT", StandardCharsets.US_ASCII));
        assertThat((Object) back.readOutbound()).as("nothing before the upstream is active").isNull();

        back.connected(true);
        back.pipeline().fireChannelActive();

        ByteBuf header = back.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(header);
        header.release();
        assertThat(bytes).startsWith(PPV2_SIGNATURE);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("gw-1-2a").contains("TLCPv1.1").contains("broker.example");
        ByteBuf early = back.readOutbound();
        assertThat(early.toString(StandardCharsets.US_ASCII)).isEqualTo("CONNECT");
        early.release();
        assertThat(front.config().isAutoRead()).isTrue();
        assertThat(server.connections()).isEqualTo(1);
        assertThat(state.upstream()).isEqualTo("g/127.0.0.1:1883");
    }

    @Test
    void aHeaderThatCannotBeBuiltClosesBothSides() throws Exception {
        TestRelay.active(front, relayHandler);
        TestRelay.active(back, new BackendHandler(relayHandler, state, relay.rc, server, () -> {
            throw new IllegalArgumentException("TLV too long");
        }));
        front.runPendingTasks();

        assertThat((Object) back.readOutbound()).isNull();
        assertThat(back.isOpen()).isFalse();
        assertThat(front.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("proxy_header_error");
        assertThat(server.connections()).as("the connection count given back").isZero();
    }

    @Test
    void anUpstreamConnectedAfterTheClientLeftIsClosedUncounted() throws Exception {
        TestRelay.active(front, relayHandler);
        front.close();
        TestRelay.active(back, new BackendHandler(relayHandler, state, relay.rc, server,
                () -> Unpooled.wrappedBuffer(PPV2_SIGNATURE)));
        front.runPendingTasks();

        assertThat((Object) back.readOutbound()).isNull();
        assertThat(back.isOpen()).isFalse();
        assertThat(server.connections()).isZero();
        assertThat(state.upstream()).isNull();
    }
}
