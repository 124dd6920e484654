package io.gmtls.brokeradapter.gate;

import java.net.InetSocketAddress;

import io.gmtls.brokeradapter.config.BrokerTarget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultNameResolver;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

/**
 * Opens the broker connection of an allowed client, on the client's own event loop (so relaying
 * between the two needs no locking), with auto-read off until the gate hands over. The broker
 * pipeline starts with an MQTT encoder (the gate writes the CONNECT as a message) and, when the
 * client's ACL is enforced, a packet framer for the broker's stream.
 */
final class BrokerConnector implements AutoCloseable {

    static final String ENCODER = "mqtt-encoder";
    static final String FRAMER = "mqtt-framer";

    private final BrokerTarget target;
    private final int maxPacketBytes;
    private final OffLoopResolverGroup resolvers = new OffLoopResolverGroup();

    BrokerConnector(BrokerTarget target, int maxPacketBytes) {
        this.target = target;
        this.maxPacketBytes = maxPacketBytes;
    }

    ChannelFuture connect(Channel client, boolean framed) {
        return new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .resolver(resolvers)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, target.connectTimeout().toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ENCODER, MqttEncoder.INSTANCE);
                        if (framed) {
                            ch.pipeline().addLast(FRAMER, new MqttFrameDecoder(maxPacketBytes));
                        }
                    }
                })
                .connect(InetSocketAddress.createUnresolved(target.host(), target.port()));
    }

    @Override
    public void close() {
        resolvers.close();
    }

    /**
     * Resolves broker host names on a thread of its own: the JDK resolver blocks, and an event loop
     * must not. IP literals resolve without a look-up.
     */
    private static final class OffLoopResolverGroup extends AddressResolverGroup<InetSocketAddress> {

        private final EventExecutor resolverThread =
                new DefaultEventExecutor(new DefaultThreadFactory("gate-broker-dns", true));

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new DefaultNameResolver(resolverThread).asAddressResolver();
        }

        @Override
        public void close() {
            super.close();
            resolverThread.shutdownGracefully();
        }
    }
}
