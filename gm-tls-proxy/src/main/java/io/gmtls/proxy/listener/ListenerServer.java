package io.gmtls.proxy.listener;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.relay.ConnectionIds;
import io.gmtls.proxy.relay.RelayContext;
import io.gmtls.proxy.relay.RelayPipeline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;

/**
 * One bound listener: accepts connections, applies its limits, and sets up each connection's
 * pipeline — idle timer, protocol sniffer (replaced by the TLCP or TLS handler), handshake slot, then
 * the relay's handlers ({@link RelayPipeline}). The security material and upstream groups come from the
 * current {@link Generation}, which a reload swaps atomically: connections already running keep the
 * generation they started with.
 */
public final class ListenerServer {

    /**
     * What a connection is set up with, in one configuration generation.
     *
     * @param relay relay context (listener config, upstream groups, meters, revocation)
     * @param tlcp  TLCP termination, or null
     * @param tls   TLS 1.3 termination, or null
     */
    public record Generation(RelayContext relay, TlcpTermination tlcp, TlsTermination tls) {
    }

    private final ListenerConfig bindConfig;
    private final AdmissionControl admission;
    private final ConnectionIds ids;
    private final ChannelGroup clients;
    private final GatewayMetrics.ListenerMeters meters;
    private final RateLimitedLog warnings;
    private volatile Generation generation;
    private volatile List<Channel> serverChannels = List.of();

    /**
     * @param config  the listener's configuration at start (address and port are fixed from here on)
     * @param clients every client channel of the gateway, for draining at shutdown
     */
    public ListenerServer(ListenerConfig config, ConnectionIds ids, ChannelGroup clients, GatewayMetrics metrics,
            RateLimitedLog warnings) {
        this.bindConfig = config;
        this.admission = new AdmissionControl(config.limits());
        this.ids = ids;
        this.clients = clients;
        this.warnings = warnings;
        this.meters = metrics.listener(config.name(), admission::open);
        metrics.gauge("gateway.connections.handshaking", "Client connections still in their TLS/TLCP handshake",
                io.micrometer.core.instrument.Tags.of("listener", config.name()), admission,
                AdmissionControl::handshaking);
    }

    /** The listener's meters. */
    public GatewayMetrics.ListenerMeters meters() {
        return meters;
    }

    /** The name. */
    public String name() {
        return bindConfig.name();
    }

    /** The configuration the listener was bound with. */
    public ListenerConfig bindConfig() {
        return bindConfig;
    }

    /** Installs a new generation (and its limits) for the connections accepted from now on. */
    public void update(Generation next) {
        admission.update(next.relay().listener().limits());
        this.generation = next;
    }

    /**
     * Binds the port; completes when listening.
     *
     * <p>On epoll every event loop accepts on a socket of its own (SO_REUSEPORT within this process, the
     * kernel spreading connections over them): a connection is accepted, set up and served on one thread,
     * where a separate acceptor thread would hand each one over to a worker (a task, a wake-up, a context
     * switch: 10-20 % of a resumed handshake's event-loop CPU in bench/edge.sh). Unless the listener says
     * {@code reuse-port: true}, the port is first bound alone, so a port another process listens on is
     * still refused at start as before, not silently shared.
     */
    public ChannelFuture bind(EventLoopGroup boss, EventLoopGroup workers, Transport transport) {
        if (generation == null) {
            throw new IllegalStateException("no generation installed");
        }
        if (bindConfig.reusePort() && transport != Transport.EPOLL) {
            throw new IllegalStateException("listener " + name() + ": reuse-port needs the epoll transport");
        }
        if (transport == Transport.EPOLL) {
            return bindPerLoop(workers, transport);
        }
        ChannelFuture future = bootstrap(transport).group(boss, workers).bind(bindConfig.bind());
        // Recorded now, not in a listener: callers that await() the future may otherwise run before
        // the listener did and see no address.
        serverChannels = List.of(future.channel());
        return future;
    }

    /** One SO_REUSEPORT socket per event loop, on the port the first one got; the first failure is returned. */
    private ChannelFuture bindPerLoop(EventLoopGroup workers, Transport transport) {
        InetSocketAddress address = bindConfig.bind();
        List<Channel> bound = new ArrayList<>();
        ChannelFuture last = null;
        for (EventExecutor executor : workers) {
            EventLoop loop = (EventLoop) executor;
            if (bound.isEmpty() && !bindConfig.reusePort() && address.getPort() != 0) {
                // Alone first: SO_REUSEPORT would otherwise join a socket another process of this user
                // listens on, where an exclusive bind fails with "address already in use".
                ChannelFuture alone = bootstrap(transport).group(loop, loop).bind(address).awaitUninterruptibly();
                if (!alone.isSuccess()) {
                    return alone;
                }
                alone.channel().close().awaitUninterruptibly();
            }
            last = bootstrap(transport).group(loop, loop).option(EpollChannelOption.SO_REUSEPORT, true)
                    .bind(address).awaitUninterruptibly();
            if (!last.isSuccess()) {
                bound.forEach(ch -> ch.close().awaitUninterruptibly());
                return last;
            }
            bound.add(last.channel());
            if (address.getPort() == 0) {
                // Port 0: the others join the port the kernel gave the first.
                address = new InetSocketAddress(address.getAddress(),
                        ((InetSocketAddress) last.channel().localAddress()).getPort());
            }
        }
        serverChannels = List.copyOf(bound);
        return last;
    }

    private ServerBootstrap bootstrap(Transport transport) {
        return new ServerBootstrap()
                .channelFactory(transport.serverChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Initializer());
    }

    /** The bound address (the real port when the configuration said 0). */
    public InetSocketAddress localAddress() {
        List<Channel> channels = serverChannels;
        return channels.isEmpty() ? null : (InetSocketAddress) channels.get(0).localAddress();
    }

    /** True while the port is open (every acceptor socket of it). */
    public boolean accepting() {
        List<Channel> channels = serverChannels;
        return !channels.isEmpty() && channels.stream().allMatch(Channel::isActive);
    }

    /** Closes the listening socket; live connections are not touched. */
    public void stopAccepting() {
        for (Channel channel : serverChannels) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Live client connections on this listener. */
    public int open() {
        return admission.open();
    }

    private final class Initializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            Generation g = generation;
            ListenerConfig config = g.relay().listener();
            String refusal = admission.tryAdmit(ch, !config.plaintext());
            if (refusal != null) {
                refused(refusal, ch);
                ch.close();
                return;
            }
            meters.accepted();
            clients.add(ch);
            ChannelPipeline p = ch.pipeline();
            long idle = config.limits().idleTimeout().toMillis();
            if (idle > 0) {
                p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
            }
            if (!config.plaintext()) {
                p.addLast("sniffer", new ProtocolSniffer(g.tlcp(), g.tls(), new ProtocolSniffer.Refusals() {
                    @Override
                    public void refused(String reason) {
                        ListenerServer.this.refused(reason, ch);
                    }

                    @Override
                    public void handshakeRefused(String family, String reason) {
                        meters.handshakeRefused(family, reason);
                        ListenerServer.this.refused(reason, ch);
                    }
                }, admission));
                p.addLast("handshake-slot", new HandshakeSlotRelease(admission));
            }
            RelayPipeline.install(p, g.relay(), ids.next());
        }
    }

    private void refused(String reason, Channel ch) {
        meters.refused(reason);
        warnings.warn("refused:" + name() + ":" + reason, "listener " + name() + ": refused connection from "
                + ch.remoteAddress() + ": " + reason);
    }
}
