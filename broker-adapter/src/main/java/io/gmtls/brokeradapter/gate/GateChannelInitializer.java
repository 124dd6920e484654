package io.gmtls.brokeradapter.gate;

import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Builds a client connection's handshake pipeline:
 * {@code first-bytes → proxy-header → limit → hold → mqtt-decoder → mqtt-encoder → gate}.
 */
final class GateChannelInitializer extends ChannelInitializer<SocketChannel> {

    static final String PROXY_HEADER = "proxy-header";
    static final String LIMIT = "limit";

    private final GateServices services;
    private final AtomicInteger open = new AtomicInteger();

    GateChannelInitializer(GateServices services) {
        this.services = services;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        GateConfig config = services.config();
        ConnectionRecord record = new ConnectionRecord(services.connectionIds().incrementAndGet(), ch.remoteAddress());
        MqttDecoder connectDecoder = new MqttDecoder(config.limits().maxConnectBytes());
        // One packet per read: bytes after the CONNECT stay buffered until the decision.
        connectDecoder.setSingleDecode(true);
        ChannelPipeline p = ch.pipeline();
        p.addLast(GateChannelInitializer.LIMIT, new ConnectionLimitHandler(open, config.limits().maxConnections(),
                services.metrics(), record));
        p.addLast(ConnectGateHandler.HOLD, new InputHold(config.limits().maxPipelinedBytes()));
        p.addLast(ConnectGateHandler.DECODER, connectDecoder);
        p.addLast(ConnectGateHandler.ENCODER, MqttEncoder.INSTANCE);
        p.addLast(ConnectGateHandler.NAME, new ConnectGateHandler(services, record));
        // Added last but placed first: it may refuse the peer while being added (the channel is
        // already active), and its rejection event must find the gate handler in place.
        p.addFirst(PROXY_HEADER, new ProxyHeaderHandler(config.proxyProtocol(), config.gateways()));
        p.addFirst(FirstBytesWatch.NAME, new FirstBytesWatch(record));
    }
}
