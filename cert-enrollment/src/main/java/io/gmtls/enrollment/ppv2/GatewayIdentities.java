package io.gmtls.enrollment.ppv2;

import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ProxyHeaderHandler;
import java.util.Optional;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.netty.Connection;

/** Reads the {@link GatewayIdentity} of a request from its connection's PPv2 facts. */
public final class GatewayIdentities {

    private GatewayIdentities() {
    }

    /**
     * The identity of the connection the request came on; empty when the request did not come over a
     * Reactor Netty connection that passed the PPv2 handler (which cannot happen on this server: such a
     * connection is closed before HTTP is read — the caller treats empty as a refusal).
     */
    public static Optional<GatewayIdentity> of(ServerHttpRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        if (!(nativeRequest instanceof Connection connection)) {
            return Optional.empty();
        }
        ConnectionFacts facts = connection.channel().attr(ProxyHeaderHandler.CONNECTION_FACTS).get();
        return facts == null ? Optional.empty() : Optional.of(GatewayIdentity.of(facts));
    }
}
