package io.gmtls.brokeradapter.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class MqttFrameDecoderTest {

    @Test
    void cutsWholePacketsAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(1024));
        // CONNACK (4 bytes) + half of a PUBLISH with a 2-byte remaining length of 130.
        byte[] publish = new byte[3 + 130];
        publish[0] = 0x30;
        publish[1] = (byte) 0x82;
        publish[2] = 0x01;
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x20, 0x02, 0x00, 0x00}, java.util.Arrays.copyOf(publish, 60)));
        ByteBuf connAck = ch.readInbound();
        assertThat(connAck.readableBytes()).isEqualTo(4);
        connAck.release();
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(publish, 60, publish.length - 60));
        ByteBuf whole = ch.readInbound();
        assertThat(whole.readableBytes()).isEqualTo(publish.length);
        whole.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void oversizeAndOverlongLengthsCloseTheChannel() {
        EmbeddedChannel big = new EmbeddedChannel(new MqttFrameDecoder(64));
        big.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        big.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xC8, 0x01}));
        assertThat(big.isOpen()).isFalse();

        EmbeddedChannel overlong = new EmbeddedChannel(new MqttFrameDecoder(1024));
        overlong.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        overlong.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}));
        assertThat(overlong.isOpen()).isFalse();
    }
}
