package io.gmtls.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

class HandshakeDeadlineTest {

    final TestRelay relay = new TestRelay();
    final EmbeddedChannel channel = TestRelay.unregistered();
    final ConnectionState state = new ConnectionState("gw-1", channel);
    final TestRelay.Events events = new TestRelay.Events();

    @Test
    void aHandshakeThatOutlivesTheDeadlineIsClosedAndCounted() throws Exception {
        TestRelay.active(channel, new HandshakeDeadline(relay.rc, state), events);
        channel.advanceTimeBy(TestRelay.HANDSHAKE_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).as("open until the deadline").isTrue();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(state.closeReason()).isEqualTo("handshake_timeout");
        String scrape = relay.metrics.scrape();
        assertThat(scrape).containsPattern("gateway_connections_refused_total\\{[^}]*reason=\"handshake_timeout\"[^}]*\\} 1\\.0");
        assertThat(scrape).containsPattern("gateway_handshakes_total\\{[^}]*result=\"timeout\"[^}]*\\} 1\\.0");
    }

    @Test
    void theEndOfTheHandshakeStopsTheTimerAndTheHandlerLeaves() throws Exception {
        TestRelay.active(channel, new HandshakeDeadline(relay.rc, state), events);
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

        assertThat(channel.pipeline().get(HandshakeDeadline.class)).isNull();
        assertThat(events.seen).as("the event goes on").containsExactly(SslHandshakeCompletionEvent.SUCCESS);
        channel.advanceTimeBy(TestRelay.HANDSHAKE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(state.closeReason()).isNull();
    }

    @Test
    void aFailedHandshakeEndsTheDeadlineToo() throws Exception {
        TestRelay.active(channel, new HandshakeDeadline(relay.rc, state), events);
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new javax.net.ssl.SSLException("bad")));

        assertThat(channel.pipeline().get(HandshakeDeadline.class)).isNull();
        channel.advanceTimeBy(TestRelay.HANDSHAKE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(state.closeReason()).as("the deadline gives no reason of its own").isNull();
    }
}
