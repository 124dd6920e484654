package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The pipeline handler on an embedded channel: framing, hand-over of the payload, rejections. */
class ProxyHeaderHandlerTest {

    private static final InetSocketAddress GATEWAY = new InetSocketAddress("10.0.0.5", 40000);
    private static final GatewayAllowList ALLOW = GatewayAllowList.of("10.0.0.0/24", "fd00::/8");
    private static final byte[] PAYLOAD = "\u0010\u0012\u0000\u0004MQTT\u0004\u0002\u0000\u003c".getBytes(StandardCharsets.ISO_8859_1);

    private final Recorder recorder = new Recorder();

    private PeerChannel channel(InetSocketAddress peer, ReceiverSettings settings) throws Exception {
        return new PeerChannel(peer, new ProxyHeaderHandler(settings, ALLOW), recorder);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void headerAndPayloadInOneReadAreSplit() throws Exception {
        byte[] header = TestData.haproxy("haproxy-send-proxy-v2-full.json").header();
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());

        ch.writeInbound(Unpooled.wrappedBuffer(concat(header, PAYLOAD)));

        DecodeResult.Decoded decoded = recorder.single(DecodeResult.Decoded.class);
        assertThat(decoded.facts().commonName()).contains("LSVTEST0000000002");
        assertThat(decoded.crc32cVerified()).isTrue();
        assertThat(ch.attr(ProxyHeaderHandler.CONNECTION_FACTS).get()).isEqualTo(decoded.facts());
        assertThat(recorder.payload()).isEqualTo(PAYLOAD);
        assertThat(ch.pipeline().get(ProxyHeaderHandler.class)).isNull();
        assertThat(ch.isOpen()).isTrue();

        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0}));
        assertThat(recorder.payload()).isEqualTo(concat(PAYLOAD, new byte[] {(byte) 0xC0, 0}));
        ch.finishAndReleaseAll();
    }

    /** Reads on demand (autoRead off, as in Reactor Netty): a header alone must not stall the channel. */
    @Test
    void headerAloneAsksForTheNextReadWhenReadsAreOnDemand() throws Exception {
        byte[] header = TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        io.netty.channel.ChannelOutboundHandlerAdapter readCounter = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
                reads.incrementAndGet();
                super.read(ctx);
            }
        };
        PeerChannel ch = new PeerChannel(GATEWAY, readCounter, new ProxyHeaderHandler(ReceiverSettings.defaults(), ALLOW), recorder);
        ch.config().setAutoRead(false);
        int before = reads.get();

        ch.writeInbound(Unpooled.wrappedBuffer(header));

        recorder.single(DecodeResult.Decoded.class);
        assertThat(ch.pipeline().get(ProxyHeaderHandler.class)).isNull();
        assertThat(reads.get()).as("read requested after the header").isGreaterThan(before);
        ch.finishAndReleaseAll();
    }

    @Test
    void headerArrivingOneByteAtATime() throws Exception {
        byte[] all = concat(TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header(), PAYLOAD);
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());

        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(recorder.single(DecodeResult.Decoded.class).headerLength()).isEqualTo(66);
        assertThat(recorder.payload()).isEqualTo(PAYLOAD);
        ch.finishAndReleaseAll();
    }

    @Test
    void badHeaderClosesTheChannelAndPassesNothingOn() throws Exception {
        byte[] header = TestData.haproxy("haproxy-send-proxy-v2-full.json").header();
        header[90] ^= 0x01; // inside the CN value
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());

        ch.writeInbound(Unpooled.wrappedBuffer(concat(header, PAYLOAD)));

        assertThat(recorder.single(DecodeResult.Rejected.class).reason()).isEqualTo(RejectReason.CRC32C_MISMATCH);
        assertThat(ch.isOpen()).isFalse();
        assertThat(recorder.reads).isEmpty();
        assertThat(ch.attr(ProxyHeaderHandler.CONNECTION_FACTS).get()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizeIsRefusedAfterTheFixedPartWithoutWaitingForTheRest() throws Exception {
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());

        ch.writeInbound(Unpooled.wrappedBuffer(RawHeader.empty().lengthField(60_000).bytes()));

        assertThat(recorder.single(DecodeResult.Rejected.class).reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void v1TextIsRefusedAfterFiveBytes() throws Exception {
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());

        ch.writeInbound(Unpooled.wrappedBuffer("PROX".getBytes(StandardCharsets.US_ASCII)));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(Unpooled.wrappedBuffer("Y TCP4 1.2.3.4 5.6.7.8 1 2\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(recorder.single(DecodeResult.Rejected.class).reason()).isEqualTo(RejectReason.PPV1_TEXT);
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void incompleteHeaderTimesOut() throws Exception {
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults().withHeaderTimeout(Duration.ofSeconds(3)));
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(PpV2Wire.SIGNATURE, 10)));

        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();

        assertThat(recorder.single(DecodeResult.Rejected.class).reason()).isEqualTo(RejectReason.TIMEOUT);
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void decodedHeaderCancelsTheTimeout() throws Exception {
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults().withHeaderTimeout(Duration.ofSeconds(3)));
        ch.writeInbound(Unpooled.wrappedBuffer(TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header()));

        ch.advanceTimeBy(10, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();

        assertThat(ch.isOpen()).isTrue();
        assertThat(recorder.events).hasSize(1).first().isInstanceOf(DecodeResult.Decoded.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionClosedMidHeaderIsReported() throws Exception {
        PeerChannel ch = channel(GATEWAY, ReceiverSettings.defaults());
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(TestData.haproxy("haproxy-send-proxy-v2-full.json").header(), 40)));

        ch.close();

        DecodeResult.Rejected rejected = recorder.single(DecodeResult.Rejected.class);
        assertThat(rejected.reason()).isEqualTo(RejectReason.TRUNCATED);
        assertThat(rejected.message()).contains("40 byte(s)");
        ch.finishAndReleaseAll();
    }

    @Test
    void peerOutsideTheAllowListIsClosedAndNeverRead() throws Exception {
        PeerChannel ch = channel(new InetSocketAddress("192.0.2.99", 40000), ReceiverSettings.defaults());
        ch.runPendingTasks();

        assertThat(ch.isOpen()).isFalse();
        assertThat(recorder.active).isFalse();
        DecodeResult.Rejected rejected = recorder.single(DecodeResult.Rejected.class);
        assertThat(rejected.reason()).isEqualTo(RejectReason.PEER_NOT_ALLOWED);
        assertThat(rejected.message()).contains("192.0.2.99");
        assertThat(recorder.reads).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void ipv6GatewayInsideTheAllowList() throws Exception {
        PeerChannel ch = channel(new InetSocketAddress("fd00::12", 40000), ReceiverSettings.defaults());

        ch.writeInbound(Unpooled.wrappedBuffer(TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header()));

        assertThat(recorder.single(DecodeResult.Decoded.class).facts().commonName()).contains("LSVTEST0000000002");
        ch.finishAndReleaseAll();
    }
}
