package io.gmtls.proxy.listener;

import io.gmtls.proxy.config.GatewayConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The Netty transport in use: epoll on Linux when its native library loads, NIO otherwise. */
public enum Transport {
    /** Linux epoll (edge-triggered; supports SO_REUSEPORT). */
    EPOLL,
    /** Java NIO. */
    NIO;

    /**
     * The transport for a configuration.
     *
     * @throws IllegalStateException when epoll is required and not available
     */
    public static Transport choose(GatewayConfig.Transport wanted) {
        return switch (wanted) {
            case NIO -> NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("transport epoll is not available: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    /** Makes an event loop group of this transport. */
    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    /** Server channels of this transport. */
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        return this == EPOLL ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
    }

    /** Client channels of this transport. */
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return this == EPOLL ? EpollSocketChannel::new : NioSocketChannel::new;
    }
}
