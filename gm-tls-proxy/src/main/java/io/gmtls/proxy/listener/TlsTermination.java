package io.gmtls.proxy.listener;

import io.netty.channel.ChannelHandler;

/**
 * Makes the per-connection handler that terminates TLS 1.3 on a listener: it reads the ClientHello and
 * replaces itself with an {@link io.netty.handler.ssl.SslHandler} for the engine serving the client.
 */
@FunctionalInterface
public interface TlsTermination {

    /** A new handler for one connection. */
    ChannelHandler newHandler();
}
