package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

class RelayPipelineTest {

    final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final DuplexEmbeddedChannel channel = new DuplexEmbeddedChannel().addresses(
            new InetSocketAddress("127.0.0.1", 8883), new InetSocketAddress("10.1.2.3", 53422));

    {
        lines.start();
        accessLogger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        accessLogger.detachAppender(lines);
        TestRelay.finish(channel);
    }

    @Test
    void aTlsListenerGetsTheDeadlineTheIdentityAndTheRelayInThatOrder() {
        RelayPipeline.install(channel.pipeline(), new TestRelay().rc, "gw-1");
        assertThat(channel.pipeline().names()).containsSubsequence("handshake-deadline", "client-identity", "relay");
    }

    @Test
    void aPlaintextListenerGetsTheRelayOnly() {
        RelayPipeline.install(channel.pipeline(), new TestRelay(true, List.of(RelayHandlerTest.BROKER), false).rc, "gw-1");
        assertThat(channel.pipeline().names()).contains("relay")
                .doesNotContain("handshake-deadline", "client-identity");
    }

    @Test
    void theAccessLineIsWrittenOnceWhenTheClientChannelCloses() throws Exception {
        RelayPipeline.install(channel.pipeline(), new TestRelay().rc, "gw-1-2a");
        channel.register();
        assertThat(lines.list).isEmpty();

        channel.close();
        channel.runPendingTasks();
        channel.close();

        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getFormattedMessage()).matches(
                "conn=gw-1-2a listener=test client=10\\.1\\.2\\.3:53422 protocol=- suite=- sni=- cn=- serial=-"
                        + " upstream=- bytes_up=0 bytes_down=0 duration_ms=\\d+ close=client_closed_during_handshake");
    }

    /** Stands for the SslHandler: reports a handshake cut short by the close from its channelInactive. */
    static final class ClosedDuringHandshake extends ChannelInboundHandlerAdapter {
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(
                    new SSLException("Connection closed while SSL/TLS handshake was in progress")));
            ctx.fireChannelInactive();
        }
    }

    @Test
    void aHandshakeFailureReportedOnChannelInactiveIsInTheLineAndCounted() throws Exception {
        TestRelay relay = new TestRelay();
        channel.pipeline().addLast(new ClosedDuringHandshake());
        RelayPipeline.install(channel.pipeline(), relay.rc, "gw-1-2b");
        channel.register();
        channel.pipeline().fireUserEventTriggered(new ProtocolSniffed("TLCP"));

        channel.close();
        channel.runPendingTasks();

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .endsWith(" close=\"handshake_failed: Connection closed while SSL/TLS handshake was in progress\"");
        assertThat(relay.metrics.scrape())
                .containsPattern("gateway_handshakes_total\\{[^}]*protocol=\"TLCP\"[^}]*result=\"failure\"[^}]*\\} 1\\.0");
    }

    /** Stands for TlcpSslHandler refusing an oversized record: closes, then reports the failed handshake. */
    static final class Overflow extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
            ctx.close();
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLException("record_overflow")));
        }
    }

    @Test
    void aReasonGivenRightAfterTheCloseIsInTheLine() throws Exception {
        channel.pipeline().addLast(new Overflow());
        RelayPipeline.install(channel.pipeline(), new TestRelay().rc, "gw-1-2c");
        channel.register();
        channel.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {22, 1, 1, 0x48, 1}));
        channel.runPendingTasks();

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .endsWith(" close=\"handshake_failed: record_overflow\"");
    }
}
