package io.gmtls.tboxsim.transport;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops every simulated vehicle runs on: Linux epoll when its native library loads, NIO
 * otherwise. A few threads carry thousands of connections; nothing blocks them.
 *
 * @param group        the event loop group
 * @param channelClass the matching client socket channel class
 */
public record EventLoops(EventLoopGroup group, Class<? extends SocketChannel> channelClass) implements AutoCloseable {

    /** {@code threads} event loops (daemon threads named {@code tbox-sim-io-N}). */
    public static EventLoops create(int threads) {
        ThreadFactory factory = new DefaultThreadFactory("tbox-sim-io", true);
        if (Epoll.isAvailable()) {
            IoHandlerFactory handler = EpollIoHandler.newFactory();
            return new EventLoops(new MultiThreadIoEventLoopGroup(threads, factory, handler), EpollSocketChannel.class);
        }
        return new EventLoops(new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory()),
                NioSocketChannel.class);
    }

    /** Shuts the loops down and waits briefly for them. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
