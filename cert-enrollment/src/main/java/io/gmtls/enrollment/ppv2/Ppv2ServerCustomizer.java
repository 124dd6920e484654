package io.gmtls.enrollment.ppv2;

import io.gmtls.proxyprotocol.GatewayAllowList;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import io.gmtls.proxyprotocol.ReceiverSettings;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * Puts our PPv2 handler at the very front of every accepted connection's pipeline, ahead of Reactor
 * Netty's HTTP codec: a peer outside the gateway allow-list is closed before anything is read, a
 * connection that does not start with a valid PPv2 header is closed without an answer, and the decoded
 * facts are left in the channel attribute {@link ProxyHeaderHandler#CONNECTION_FACTS} for the request
 * handlers ({@link GatewayIdentities}).
 *
 * <p>HTTP/1.1 only: the facts belong to the TCP connection, and the gateway forwards HTTP/1.1.
 */
public final class Ppv2ServerCustomizer implements NettyServerCustomizer {

    /** Pipeline name of the PPv2 handler. */
    public static final String HANDLER_NAME = "gmtls.ppv2";
    /** Pipeline name of the handler that logs PPv2 outcomes. */
    public static final String LOGGER_NAME = "gmtls.ppv2-log";

    private final ReceiverSettings settings;
    private final GatewayAllowList allowList;
    private final Duration idleTimeout;
    private final Ppv2Counters counters;

    public Ppv2ServerCustomizer(ReceiverSettings settings, GatewayAllowList allowList, Duration idleTimeout,
            Ppv2Counters counters) {
        this.settings = Objects.requireNonNull(settings);
        this.allowList = Objects.requireNonNull(allowList);
        this.idleTimeout = Objects.requireNonNull(idleTimeout);
        this.counters = Objects.requireNonNull(counters);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.protocol(HttpProtocol.HTTP11)
                .idleTimeout(idleTimeout)
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(4096).maxHeaderSize(8192))
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    // addFirst twice: the PPv2 handler ends up first, its logger right behind it.
                    channel.pipeline().addFirst(LOGGER_NAME, new Ppv2EventLogger(counters));
                    channel.pipeline().addFirst(HANDLER_NAME, new ProxyHeaderHandler(settings, allowList));
                });
    }
}
