package io.gmtls.tboxsim.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * The security layer of one vehicle's connections. An instance is kept for the vehicle's whole life
 * and reused on every reconnect, so that the TLCP engine / TLS stack can resume the earlier session.
 * Thread-safe.
 */
public interface ClientTransport {

    /** Name of the {@code SslHandler} in the pipeline (absent for plain TCP). */
    String SSL_HANDLER = "ssl";

    /** What this transport is. */
    TransportKind kind();

    /**
     * Adds the handlers of a new connection at the head of {@code pipeline}: nothing for plain TCP, else
     * an {@code SslHandler} named {@link #SSL_HANDLER} (after it, the caller waits for
     * {@code SslHandshakeCompletionEvent}).
     */
    void initPipeline(ChannelPipeline pipeline);

    /** After a successful handshake on {@code channel}: whether it resumed an earlier session. */
    boolean resumed(Channel channel);

    /** Whether connections are encrypted (false only for plain TCP). */
    default boolean secure() {
        return kind() != TransportKind.PLAIN;
    }
}
