package io.gmtls.proxy.relay;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.LoggerFactory;

import io.gmtls.proxy.config.LimitsConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/** A relay context over real meters and revocation, for the relay handlers' unit tests. */
final class TestRelay {

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    final GatewayMetrics metrics = new GatewayMetrics();
    final LiveConnections live = new LiveConnections();
    final RevocationService revocation = new RevocationService(live, metrics, Clock.systemUTC());
    final RelayContext rc;

    /**
     * @param plaintext a raw TCP listener (no handshake)
     * @param upstreams the group's servers (at least one: the config record requires it)
     * @param ppv2      whether the group gets a PPv2 header
     */
    TestRelay(boolean plaintext, List<InetSocketAddress> upstreams, boolean ppv2) {
        this(plaintext, upstreams, ppv2, refusing());
    }

    /**
     * @param connector opens the upstream channels ({@link #embedded} in tests of both sides)
     */
    TestRelay(boolean plaintext, List<InetSocketAddress> upstreams, boolean ppv2, UpstreamConnector connector) {
        LimitsConfig limits = new LimitsConfig(100, 100, 0, 1, HANDSHAKE_TIMEOUT, Duration.ofMinutes(5), 100, 100, 0);
        ListenerConfig listener = new ListenerConfig("test", new InetSocketAddress("127.0.0.1", 0), false, "g",
                List.of(), ListenerConfig.ClientAuthMode.OPTIONAL, Optional.empty(), Optional.empty(), plaintext, limits);
        UpstreamGroupConfig group = new UpstreamGroupConfig("g", UpstreamGroupConfig.Balance.ROUND_ROBIN, upstreams,
                Duration.ofSeconds(1),
                new UpstreamGroupConfig.HealthCheckConfig(false, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2),
                new UpstreamGroupConfig.ProxyProtocolConfig(ppv2, HeaderOptions.defaults()));
        rc = new RelayContext(listener, Map.of("g", new UpstreamGroup(group, Map.of())),
                metrics.listener("test", () -> 0), metrics, revocation, connector,
                new RateLimitedLog(LoggerFactory.getLogger(TestRelay.class), Duration.ofSeconds(10)));
    }

    /** A TLS listener whose group's one server refuses connections. */
    TestRelay() {
        this(false, List.of(new InetSocketAddress("127.0.0.1", 1883)), false);
    }

    /** Every connect fails, as to a server that refuses. */
    static UpstreamConnector refusing() {
        return (loop, address, timeout, handler) ->
                new EmbeddedChannel().newFailedFuture(new ConnectException("Connection refused: " + address));
    }

    /**
     * Every connect "succeeds" with {@code back}: the handler is added and the channel registered on the
     * client's event loop, which fires {@code channelActive} unless {@code back} is not
     * {@link DuplexEmbeddedChannel#connected(boolean) connected} yet.
     */
    static UpstreamConnector embedded(DuplexEmbeddedChannel back) {
        return (loop, address, timeout, handler) -> {
            back.pipeline().addLast(handler);
            return loop.register(back);
        };
    }

    /**
     * An unregistered embedded channel: add handlers, then {@link EmbeddedChannel#register()} fires
     * {@code channelActive} through them, as for an accepted connection.
     */
    static EmbeddedChannel unregistered() {
        return new EmbeddedChannel(false, false);
    }

    /** The last handler of a test pipeline: keeps every user event that reaches it. */
    static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        <T> List<T> of(Class<T> type) {
            return seen.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** Closes a test channel and releases what it holds (one never registered holds nothing). */
    static void finish(EmbeddedChannel channel) {
        if (channel.isRegistered()) {
            channel.finishAndReleaseAll();
        }
    }

    /** Adds handlers and registers (activates) the channel. */
    static EmbeddedChannel active(EmbeddedChannel channel, ChannelHandler... handlers) throws Exception {
        channel.pipeline().addLast(handlers);
        channel.register();
        return channel;
    }
}
