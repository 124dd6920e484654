package io.gmtls.brokeradapter.gate;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.brokeradapter.authn.BrokerAuthenticator;
import io.gmtls.brokeradapter.config.GateConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The auth gate service: listens for gateway connections, reads PPv2 and CONNECT, asks the CA, and
 * relays allowed clients to the broker. Start with {@link #start}, stop with {@link #close}.
 */
public final class AuthGateServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuthGateServer.class);

    private final GateConfig config;
    private final GateMetrics metrics;
    private final BrokerConnector brokers;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    private AuthGateServer(GateConfig config, GateMetrics metrics, BrokerConnector brokers, EventLoopGroup boss,
                           EventLoopGroup workers, Channel serverChannel) {
        this.config = config;
        this.metrics = metrics;
        this.brokers = brokers;
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds the listener and starts serving.
     *
     * @param config        the configuration; checked with {@link GateConfig#validate(String)} first, so
     *                      that one built in code meets the same rules as a loaded one
     * @param authenticator the CA client (already wrapped with its concurrency limit)
     * @param metrics       where the gate's meters go
     * @param ioThreads     event loop threads; 0 for Netty's default (2 × cores)
     * @throws InterruptedException if interrupted while binding
     */
    public static AuthGateServer start(GateConfig config, BrokerAuthenticator authenticator, GateMetrics metrics,
                                       int ioThreads) throws InterruptedException {
        config.validate("gate configuration");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gate-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("gate-io"),
                NioIoHandler.newFactory());
        BrokerConnector brokers = new BrokerConnector(config.broker(), config.limits().maxMessageBytes());
        try {
            GateServices services = new GateServices(config, authenticator, brokers, metrics, new NotGatewayLog(),
                    new AtomicLong(), Clock.systemUTC());
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new GateChannelInitializer(services))
                    .bind(config.listen())
                    .sync()
                    .channel();
            LOG.info("auth gate listening on {} for gateways {}; broker {}; CA {} over {}", channel.localAddress(),
                    config.gateways().entries(), config.broker(), config.ca().authnUrl(),
                    config.ca().transportDescription());
            return new AuthGateServer(config, metrics, brokers, boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            brokers.close();
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** The address actually bound (the port is known here when the configuration said 0). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The configuration the gate runs with. */
    public GateConfig config() {
        return config;
    }

    /** The gate's meters. */
    public GateMetrics metrics() {
        return metrics;
    }

    /** Blocks until the listener closes. */
    public void awaitClose() throws InterruptedException {
        serverChannel.closeFuture().sync();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        // Open connections are closed by the shutdown; no quiet period is needed to drain new work.
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        brokers.close();
    }
}
