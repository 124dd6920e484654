package io.gmtls.proxyprotocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

/** An {@link EmbeddedChannel} whose peer has a real IP socket address, as a TCP child channel has. */
final class PeerChannel extends EmbeddedChannel {

    private final InetSocketAddress peer;

    PeerChannel(InetSocketAddress peer, ChannelHandler... handlers) throws Exception {
        super(false, false, handlers);
        this.peer = peer;
        register();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }
}
