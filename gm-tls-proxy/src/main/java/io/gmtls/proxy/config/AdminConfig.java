package io.gmtls.proxy.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The admin HTTP endpoint: {@code GET /metrics}, {@code GET /health}, {@code POST /admin/reload}.
 * Reading ({@code GET}) is open; every mutating call needs the bearer token, and without a configured
 * token mutating calls are refused.
 *
 * @param bind  address and port (loopback unless a host is named; keep it on a management network)
 * @param token bearer token every mutating call (such as {@code POST /admin/reload}) must carry; when
 *              empty, mutating calls are refused
 */
public record AdminConfig(InetSocketAddress bind, Optional<Secret> token) {

    /** The admin port when {@code admin.bind} is left out. */
    public static final int DEFAULT_PORT = 9090;
}
