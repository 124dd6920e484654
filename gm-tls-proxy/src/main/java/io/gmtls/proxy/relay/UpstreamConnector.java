package io.gmtls.proxy.relay;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

/** Opens the upstream channel of a connection, on the client channel's event loop. */
@FunctionalInterface
public interface UpstreamConnector {

    /**
     * Connects to an upstream server.
     *
     * @param loop           the client channel's event loop (both channels share it: nothing is locked)
     * @param address        the server
     * @param connectTimeout the group's connect timeout
     * @param handler        the upstream channel's handler
     * @return completes when connected or failed
     */
    ChannelFuture connect(EventLoop loop, InetSocketAddress address, Duration connectTimeout, ChannelHandler handler);

    /**
     * TCP with the gateway's options: half-closure allowed, no Nagle, reading off until the relay turns
     * it on (after the PPv2 header and what the client sent meanwhile are written).
     *
     * @param channels makes the socket channels of the gateway's Netty transport
     */
    static UpstreamConnector tcp(ChannelFactory<? extends Channel> channels) {
        return (loop, address, connectTimeout, handler) -> new Bootstrap()
                .group(loop)
                .channelFactory(channels)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(handler)
                .connect(address);
    }
}
