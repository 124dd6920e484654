package io.gmtls.proxy.upstream;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.config.UpstreamGroupConfig.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

/**
 * Active TCP health checks of upstream groups: every interval, a non-blocking TCP connect to each
 * server (closed at once); {@code fall} failures in a row mark a server down, {@code rise} successes
 * mark it up. Runs on an event loop; a check never overlaps the previous one of the same server.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final List<UpstreamGroup> groups;
    private final EventLoop loop;
    private final ChannelFactory<? extends Channel> channels;
    private final List<ScheduledFuture<?>> tasks = new java.util.ArrayList<>();
    private volatile boolean closed;

    /**
     * @param channels makes the socket channels of the gateway's Netty transport
     */
    public HealthChecker(List<UpstreamGroup> groups, EventLoopGroup workers,
            ChannelFactory<? extends Channel> channels) {
        this.groups = List.copyOf(groups);
        this.loop = workers.next();
        this.channels = channels;
    }

    /** Starts the periodic checks of every group whose health check is enabled. */
    public void start() {
        for (UpstreamGroup group : groups) {
            HealthCheckConfig hc = group.config().healthCheck();
            if (!hc.enabled()) {
                continue;
            }
            for (Upstream upstream : group.servers()) {
                // The next check is scheduled when this one completes: slow servers never pile checks up.
                tasks.add(loop.schedule(() -> check(upstream, hc), 0, TimeUnit.MILLISECONDS));
            }
        }
    }

    private void check(Upstream upstream, HealthCheckConfig hc) {
        if (closed) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(channels)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, hc.timeout().toMillis()))
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInboundHandlerAdapter());
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(upstream.address());
        } catch (RuntimeException e) {
            result(upstream, hc, false, e);
            return;
        }
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                f.channel().close();
            }
            result(upstream, hc, f.isSuccess(), f.cause());
        });
    }

    private void result(Upstream upstream, HealthCheckConfig hc, boolean ok, Throwable cause) {
        if (closed) {
            return;
        }
        if (upstream.record(ok, hc.rise(), hc.fall())) {
            if (upstream.healthy()) {
                LOG.info("upstream {} is up", upstream);
            } else {
                LOG.warn("upstream {} is down: {}", upstream, cause == null ? "connect failed" : cause.getMessage());
            }
        }
        loop.schedule(() -> check(upstream, hc), hc.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops scheduling checks (running ones finish and are ignored). */
    @Override
    public void close() {
        closed = true;
        tasks.forEach(t -> t.cancel(false));
    }
}
