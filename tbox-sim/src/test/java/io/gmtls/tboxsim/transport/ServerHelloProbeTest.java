package io.gmtls.tboxsim.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** The probe reads a TLS 1.3 ServerHello's extensions (RFC 8446 §4.1.3) and passes every byte on untouched. */
class ServerHelloProbeTest {

    private static final byte[] HRR_RANDOM = HexFormat.of().parseHex(
            "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    @Test
    void fullHandshakeIsNotResumed() {
        EmbeddedChannel channel = probe(record(22, serverHello(false, false)));
        assertThat(ServerHelloProbe.resumed(channel)).isFalse();
        assertThat(channel.pipeline().get(ServerHelloProbe.class)).isNull();
    }

    @Test
    void preSharedKeyExtensionMeansResumed() {
        EmbeddedChannel channel = probe(record(22, serverHello(true, false)));
        assertThat(ServerHelloProbe.resumed(channel)).isTrue();
        assertThat(channel.pipeline().get(ServerHelloProbe.class)).isNull();
    }

    @Test
    void worksOnAServerHelloSplitAcrossReads() {
        byte[] bytes = concat(record(22, serverHello(true, false)), record(23, new byte[40]));
        EmbeddedChannel channel = new EmbeddedChannel(new ServerHelloProbe());
        for (int i = 0; i < bytes.length; i += 7) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(7, bytes.length - i)));
        }
        assertThat(ServerHelloProbe.resumed(channel)).isTrue();
        assertThat(received(channel)).isEqualTo(bytes);
    }

    @Test
    void skipsAHelloRetryRequest() {
        byte[] bytes = concat(record(22, serverHello(false, true)), record(20, new byte[] {1}),
                record(22, serverHello(true, false)));
        EmbeddedChannel channel = probe(bytes);
        assertThat(ServerHelloProbe.resumed(channel)).isTrue();
    }

    @Test
    void somethingElseIsNotResumedAndPassesThrough() {
        byte[] alert = record(21, new byte[] {2, 40});
        EmbeddedChannel channel = probe(alert);
        assertThat(ServerHelloProbe.resumed(channel)).isFalse();
        assertThat(channel.pipeline().get(ServerHelloProbe.class)).isNull();
    }

    @Test
    void passesTheBytesOnUnchanged() {
        byte[] bytes = concat(record(22, serverHello(true, false)), record(23, new byte[100]));
        EmbeddedChannel channel = probe(bytes);
        assertThat(received(channel)).isEqualTo(bytes);
        assertThat(channel.finish()).isFalse();
    }

    private static EmbeddedChannel probe(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerHelloProbe());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return channel;
    }

    private static byte[] received(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readInbound()) != null) {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            buf.release();
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] serverHello(boolean psk, boolean retry) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(retry ? HRR_RANDOM : new byte[32]);
        body.write(32);
        body.writeBytes(new byte[32]);
        body.writeBytes(new byte[] {0x13, 0x01, 0});
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extensions.writeBytes(new byte[] {0x00, 0x2b, 0, 2, 3, 4});                 // supported_versions: TLS 1.3
        extensions.writeBytes(new byte[] {0x00, 0x33, 0, 4, 0, 0x1d, 0, 0});       // key_share (shortened)
        if (psk) {
            extensions.writeBytes(new byte[] {0x00, 0x29, 0, 2, 0, 0});             // pre_shared_key: identity 0
        }
        body.write(extensions.size() >> 8);
        body.write(extensions.size());
        body.writeBytes(extensions.toByteArray());
        byte[] b = body.toByteArray();
        return concat(new byte[] {2, 0, (byte) (b.length >> 8), (byte) b.length}, b);
    }

    private static byte[] record(int type, byte[] fragment) {
        return concat(new byte[] {(byte) type, 3, 3, (byte) (fragment.length >> 8), (byte) fragment.length}, fragment);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
