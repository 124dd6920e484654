package io.gmtls.proxy.relay;

import io.netty.channel.ChannelPipeline;

/**
 * Sets up the relay's part of a client connection's pipeline, behind the listener's own handlers (idle
 * timer, protocol sniffer, handshake slot):
 *
 * <pre>
 * [handshake-deadline] → [client-identity] → [relay]      (TLS/TLCP listeners)
 *                                            [relay]      (plaintext listeners)
 * </pre>
 *
 * and the access log on the channel's close future.
 */
public final class RelayPipeline {

    private RelayPipeline() {
    }

    /**
     * Adds the relay handlers for one new connection.
     *
     * @param pipeline the client channel's pipeline, not yet active
     * @param rc       the listener's relay context of the current generation
     * @param id       the connection id (access log, PPv2 UNIQUE_ID)
     */
    public static void install(ChannelPipeline pipeline, RelayContext rc, String id) {
        ConnectionState state = new ConnectionState(id, pipeline.channel());
        boolean plaintext = rc.listener().plaintext();
        if (!plaintext) {
            pipeline.addLast("handshake-deadline", new HandshakeDeadline(rc, state));
            pipeline.addLast("client-identity", new ClientIdentityHandler(rc, state));
        }
        pipeline.addLast("relay", new RelayHandler(rc, state));
        pipeline.channel().closeFuture()
                .addListener(AccessLog.onClose(state, rc.listener().name(), plaintext, rc.accessLog()));
    }
}
