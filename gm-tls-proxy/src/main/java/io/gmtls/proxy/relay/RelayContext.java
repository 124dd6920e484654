package io.gmtls.proxy.relay;

import java.util.Map;

import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.proxy.upstream.UpstreamGroup;

/**
 * What every connection of one listener shares in one configuration generation: its configuration,
 * the upstream groups, meters, revocation. Immutable; one instance per listener and generation, so a
 * connection holds one reference instead of many.
 *
 * @param listener         the listener's configuration
 * @param groups           upstream groups by name
 * @param meters           the listener's meters
 * @param metrics          the gateway's meters
 * @param revocation       CRLs and the registry of live authenticated connections
 * @param upstreams        opens upstream channels (TCP on the gateway's Netty transport)
 * @param warnings         rate-limited log of refusals and upstream failures
 * @param accessLog        whether connections get their access line (false only for the start-up
 *                         warm-up's own connections: the line is built, as for any connection, but not written)
 */
public record RelayContext(
        ListenerConfig listener,
        Map<String, UpstreamGroup> groups,
        GatewayMetrics.ListenerMeters meters,
        GatewayMetrics metrics,
        RevocationService revocation,
        UpstreamConnector upstreams,
        RateLimitedLog warnings,
        boolean accessLog) {

    /** A listener's context: its connections are access-logged. */
    public RelayContext(ListenerConfig listener, Map<String, UpstreamGroup> groups, GatewayMetrics.ListenerMeters meters,
            GatewayMetrics metrics, RevocationService revocation, UpstreamConnector upstreams, RateLimitedLog warnings) {
        this(listener, groups, meters, metrics, revocation, upstreams, warnings, true);
    }

    /** The upstream group for an SNI host name. */
    UpstreamGroup groupFor(String serverName) {
        return groups.get(listener.upstreamFor(serverName));
    }
}
