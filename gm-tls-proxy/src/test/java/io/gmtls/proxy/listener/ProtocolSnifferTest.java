package io.gmtls.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

class ProtocolSnifferTest {

    /** Stands for the protocol handler: records what it is handed. */
    static final class Marker extends ChannelInboundHandlerAdapter {
        final String name;
        final List<ByteBuf> seen = new ArrayList<>();

        Marker(String name) {
            this.name = name;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add((ByteBuf) msg);
        }
    }

    final List<String> refusals = new ArrayList<>();
    final Marker tls = new Marker("tls");

    private EmbeddedChannel channel(TlcpTermination tlcp, boolean withTls) {
        return new EmbeddedChannel(new ProtocolSniffer(tlcp, withTls ? () -> tls : null, refusals::add));
    }

    @Test
    void tlsRecordGoesToTheTlsHandlerWithAllBytes() {
        EmbeddedChannel ch = channel(null, true);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03}));
        assertThat(ch.pipeline().get(ProtocolSniffer.class)).as("waits for the 5-byte header").isNotNull();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x01, 0x00, 0x05, 1, 2}));
        assertThat(ch.pipeline().get(ProtocolSniffer.class)).isNull();
        assertThat(ch.pipeline().get(Marker.class)).isSameAs(tls);
        int total = tls.seen.stream().mapToInt(ByteBuf::readableBytes).sum();
        assertThat(total).isEqualTo(7);
        tls.seen.forEach(ByteBuf::release);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void tlcpVersionGoesToTheTlcpHandler() {
        EmbeddedChannel ch = channel(alloc -> {
            throw new IllegalStateException("TLCP engine asked");
        }, true);
        // The TLCP termination was called: its failure surfaces as the decoder's exception.
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x01, 0x01, 0x00, 0x10})))
                .hasRootCauseMessage("TLCP engine asked");
    }

    @Test
    void anythingElseIsClosedAndCounted() {
        EmbeddedChannel http = channel(null, true);
        http.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(http.isOpen()).isFalse();

        EmbeddedChannel sslv2ish = channel(null, true);
        sslv2ish.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x02, 0x00, 0x00, 0x10}));
        assertThat(sslv2ish.isOpen()).isFalse();

        EmbeddedChannel tlcpNotServed = channel(null, true);
        tlcpNotServed.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x01, 0x01, 0x00, 0x10}));
        assertThat(tlcpNotServed.isOpen()).isFalse();

        assertThat(refusals).containsExactly("not_tls", "not_tls", "tlcp_not_served");
    }
}
