package io.gmtls.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.gmtls.proxy.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The full-handshake budget in the protocol sniffer: ClientHellos without a resumable session take
 * from the budget and are closed, before any engine exists, once it is spent; a TLCP session ID or
 * ticket the termination knows, or a TLS 1.3 pre_shared_key, is always let in. The budget's clock is
 * the test's.
 */
class ProtocolSnifferAdmissionTest {

    private static final byte[] KNOWN_ID = filled(32, 7);
    private static final byte[] KNOWN_TICKET = filled(80, 9);

    final AtomicLong now = new AtomicLong();
    final List<String> refusals = new ArrayList<>();
    final List<String> handshakeRefusals = new ArrayList<>();
    /** The TLS handlers made, one per admitted TLS connection. */
    final List<ProtocolSnifferTest.Marker> tls = new ArrayList<>();

    /** Stands for the TLCP termination: knows one session ID and one ticket; its engine is never made. */
    final TlcpTermination tlcp = new TlcpTermination() {
        @Override
        public io.netty.handler.ssl.SslHandler newHandler(io.netty.buffer.ByteBufAllocator allocator) {
            throw new IllegalStateException("TLCP engine asked");
        }

        @Override
        public boolean offersResumableSession(byte[] sessionId, byte[] ticket) {
            return Arrays.equals(sessionId, KNOWN_ID) || Arrays.equals(ticket, KNOWN_TICKET);
        }
    };

    private AdmissionControl admission(int fullPerSecond) {
        return new AdmissionControl(new LimitsConfig(100, 100, 0, 1, Duration.ofSeconds(5), Duration.ZERO, 100, 100,
                fullPerSecond), now::get);
    }

    private EmbeddedChannel channel(AdmissionControl admission) {
        return new EmbeddedChannel(new ProtocolSniffer(tlcp, () -> {
            ProtocolSnifferTest.Marker marker = new ProtocolSnifferTest.Marker("tls");
            tls.add(marker);
            return marker;
        }, new ProtocolSniffer.Refusals() {
            @Override
            public void refused(String reason) {
                refusals.add(reason);
            }

            @Override
            public void handshakeRefused(String family, String reason) {
                handshakeRefusals.add(family + ":" + reason);
                refused(reason);
            }
        }, admission));
    }

    /** True when the TLS hello reached the TLS handler (admitted); false when the channel was closed. */
    private boolean tlsAdmitted(AdmissionControl admission, byte[] hello) {
        int before = tls.size();
        EmbeddedChannel ch = channel(admission);
        ch.writeInbound(Unpooled.wrappedBuffer(hello));
        boolean admitted = tls.size() > before;
        assertThat(ch.isOpen()).as("open when admitted, closed when not").isEqualTo(admitted);
        if (admitted) {
            assertThat(tls.get(before).seen.stream().mapToInt(ByteBuf::readableBytes).sum()).isEqualTo(hello.length);
            tls.get(before).seen.forEach(ByteBuf::release);
        }
        return admitted;
    }

    /** True when the TLCP hello reached the TLCP termination (admitted); false when closed. */
    private boolean tlcpAdmitted(AdmissionControl admission, byte[] hello) {
        EmbeddedChannel ch = channel(admission);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(hello));
        } catch (RuntimeException e) {
            assertThat(e).hasRootCauseMessage("TLCP engine asked");
            return true;
        }
        assertThat(ch.isOpen()).as("not admitted: closed").isFalse();
        return false;
    }

    @Test
    void fullHandshakesBeyondTheBudgetAreClosedAndResumptionOffersAreAlwaysLetIn() {
        AdmissionControl admission = admission(2);
        assertThat(tlsAdmitted(admission, hello(3, 3, new byte[0], null, false))).isTrue();
        assertThat(tlcpAdmitted(admission, hello(1, 1, filled(32, 1), null, false))).as("unknown session ID: full").isTrue();
        assertThat(tlsAdmitted(admission, hello(3, 3, new byte[0], null, false))).as("budget of 2 spent").isFalse();
        assertThat(tlcpAdmitted(admission, hello(1, 1, new byte[0], null, false))).isFalse();
        assertThat(tlcpAdmitted(admission, hello(1, 1, filled(32, 1), filled(80, 1), false)))
                .as("unknown ID and ticket").isFalse();

        assertThat(tlcpAdmitted(admission, hello(1, 1, KNOWN_ID, null, false))).as("known session ID").isTrue();
        assertThat(tlcpAdmitted(admission, hello(1, 1, new byte[0], KNOWN_TICKET, false))).as("known ticket").isTrue();
        assertThat(tlsAdmitted(admission, hello(3, 3, new byte[0], null, true))).as("TLS 1.3 PSK").isTrue();

        assertThat(handshakeRefusals).containsExactly("TLS:full_handshake_budget", "TLCP:full_handshake_budget",
                "TLCP:full_handshake_budget");
        assertThat(refusals).containsOnly(ProtocolSniffer.FULL_HANDSHAKE_BUDGET).hasSize(3);

        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(tlsAdmitted(admission, hello(3, 3, new byte[0], null, false))).as("one more after 0.5 s at 2/s").isTrue();
        assertThat(tlsAdmitted(admission, hello(3, 3, new byte[0], null, false))).isFalse();
    }

    @Test
    void withoutABudgetNothingWaitsForTheWholeRecord() {
        AdmissionControl admission = admission(0);
        EmbeddedChannel ch = channel(admission);
        byte[] hello = hello(3, 3, new byte[0], null, false);
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, 5));
        assertThat(ch.pipeline().get(ProtocolSniffer.class)).as("handed over on the header").isNull();
        assertThat(tls).hasSize(1);
        tls.get(0).seen.forEach(ByteBuf::release);
    }

    @Test
    void withABudgetTheSnifferWaitsForTheFirstRecordAndJudgesAMalformedOneAsFull() {
        AdmissionControl admission = admission(1);
        EmbeddedChannel ch = channel(admission);
        byte[] hello = hello(1, 1, KNOWN_ID, null, false);
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, 40));
        assertThat(ch.pipeline().get(ProtocolSniffer.class)).as("waits for the rest of the record").isNotNull();
        assertThat(ch.isOpen()).isTrue();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hello, 40, hello.length - 40)))
                .hasRootCauseMessage("TLCP engine asked");

        byte[] broken = hello(1, 1, KNOWN_ID, null, false);
        broken[5 + 4 + 2 + 32] = 33; // session ID length beyond 32: no offer, a full handshake
        assertThat(tlcpAdmitted(admission, broken)).as("takes the one token").isTrue();
        assertThat(tlcpAdmitted(admission, broken)).isFalse();
    }

    @Test
    void theOfferIsReadFromAWellFormedHelloOnly() {
        byte[] hello = hello(1, 1, KNOWN_ID, KNOWN_TICKET, false);
        ByteBuf buf = Unpooled.wrappedBuffer(hello);
        ClientHelloOffer offer = ClientHelloOffer.parse(buf, 5, hello.length - 5);
        assertThat(offer.sessionId()).isEqualTo(KNOWN_ID);
        assertThat(offer.ticket()).isEqualTo(KNOWN_TICKET);
        assertThat(offer.pskOffered()).isFalse();
        assertThat(ClientHelloOffer.parse(buf, 5, hello.length - 6)).as("one byte short").isNull();
        assertThat(ClientHelloOffer.parse(Unpooled.wrappedBuffer(hello(3, 3, new byte[0], null, true)), 5,
                hello(3, 3, new byte[0], null, true).length - 5).pskOffered()).isTrue();
    }

    /** A first record holding a ClientHello: version, session ID, one suite, a ticket and/or PSK extension. */
    static byte[] hello(int major, int minor, byte[] sessionId, byte[] ticket, boolean psk) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(major);
        body.write(minor);
        body.writeBytes(new byte[32]);
        body.write(sessionId.length);
        body.writeBytes(sessionId);
        body.writeBytes(new byte[] {0, 2, (byte) 0xe0, 0x53, 1, 0});
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        if (ticket != null) {
            extension(extensions, ClientHelloOffer.EXT_SESSION_TICKET, ticket);
        }
        if (psk) {
            // identities<7..>: one identity (length 4, "tick", obfuscated age 0), binders<33..>: one of 32 bytes
            byte[] data = new byte[2 + 2 + 4 + 4 + 2 + 1 + 32];
            data[1] = 10;
            data[3] = 4;
            data[13] = 33;
            data[14] = 32;
            extension(extensions, ClientHelloOffer.EXT_PRE_SHARED_KEY, data);
        }
        if (extensions.size() > 0) {
            body.write(extensions.size() >> 8);
            body.write(extensions.size());
            body.writeBytes(extensions.toByteArray());
        }
        byte[] b = body.toByteArray();
        byte[] record = new byte[5 + 4 + b.length];
        record[0] = 22;
        record[1] = (byte) major;
        record[2] = (byte) minor;
        record[3] = (byte) ((4 + b.length) >> 8);
        record[4] = (byte) (4 + b.length);
        record[5] = 1;
        record[6] = (byte) (b.length >> 16);
        record[7] = (byte) (b.length >> 8);
        record[8] = (byte) b.length;
        System.arraycopy(b, 0, record, 9, b.length);
        return record;
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        out.write(type >> 8);
        out.write(type);
        out.write(data.length >> 8);
        out.write(data.length);
        out.writeBytes(data);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
